import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { startControlPlane, type ControlPlane } from '../cluster/control-plane.js';
import { installCrds } from '../cluster/crds.js';
import { REPO_ROOT } from '../cluster/paths.js';
import { killAll, startController, type ControllerProcess } from './support/controller-process.js';
import { waitGone, waitSynced } from './support/dataflow-wait.js';
import { apply, dataflow, kubectlOk, patchDataflow } from './support/kube.js';
import { dataflowManifest, list, secretsManifest } from './support/manifests.js';
import { seedDataset, simState } from './support/sim.js';

// Its own control plane: restarting the shared API server would break the other test files.
describe('the controller across an API server restart', () => {
  let plane: ControlPlane;
  let sim: RunningSimulator;
  let ctl: ControllerProcess;
  const ns = 'watch-recovery';
  const previousKubeconfig = process.env.KUBECONFIG;

  beforeAll(async () => {
    plane = await startControlPlane();
    await installCrds(plane.kubeConfig(), join(REPO_ROOT, 'crds'));
    process.env.KUBECONFIG = plane.kubeconfigPath; // for the kubectl helpers
    sim = await startSimulator({ port: 0 });
    await kubectlOk(['create', 'namespace', ns]);
    await apply(secretsManifest(ns));
    ctl = startController({ kubeconfig: plane.kubeconfigPath, simUrl: sim.url, namespaces: [ns] });
  }, 180_000);

  afterAll(async () => {
    if (ctl) await killAll([ctl]);
    await sim?.close();
    await plane?.stop();
    process.env.KUBECONFIG = previousKubeconfig;
  });

  it('reconciles every change made while its watches were down once the API server is back', async () => {
    const target = await seedDataset(sim.url);
    await apply(list(['w-0', 'w-1', 'w-2'].map((n) => dataflowManifest(ns, n, target))));
    const before = await Promise.all(['w-0', 'w-1', 'w-2'].map((n) => waitSynced(ns, n)));

    await plane.restartApiServer();
    // Right away, while the controller's watches are still failing and backing off.
    await patchDataflow(ns, 'w-0', { spec: { schedule: { frequency: 'hour', interval: 6 } } });
    await patchDataflow(ns, 'w-1', { spec: { enabled: false } });
    await kubectlOk(['delete', 'mpdf', 'w-2', '-n', ns, '--wait=false']);
    await apply(list([dataflowManifest(ns, 'w-3', target)]));

    const w0 = await waitSynced(ns, 'w-0', 2);
    const w1 = await waitSynced(ns, 'w-1', 2);
    await waitSynced(ns, 'w-3');
    await waitGone(ns, 'w-2');
    const state = await simState(sim.url);
    const flow = (id: string) => state.resources.find((r) => r.id === id);
    expect(flow(w0.status!.flow!.id)!.doc.scheduleParams.frequency).toBe('hour');
    expect(flow(w1.status!.flow!.id)!.state).toBe('disabled');
    expect(flow(before[2]!.status!.flow!.id)).toBeUndefined();
    expect(await dataflow(ns, 'w-2')).toBeUndefined();
    expect(ctl.logs.some((l) => l.msg === 'watch restarted')).toBe(true);
  }, 180_000);
});
