import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { createTestNamespace } from '../cluster/test-cluster.js';
import { chainAudit } from './support/chains.js';
import { killAll, startController, type ControllerProcess } from './support/controller-process.js';
import { apply, condition, dataflows } from './support/kube.js';
import { dataflowManifest, list, secretsManifest } from './support/manifests.js';
import { seedDataset, simFaults, simState } from './support/sim.js';
import { waitFor } from './support/wait.js';

const COUNT = 50;

describe('a controller killed with SIGKILL while creating 50 dataflows', () => {
  let sim: RunningSimulator;
  let ns: string;
  const controllers: ControllerProcess[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ns = await createTestNamespace('e2e-crash');
    await apply(secretsManifest(ns));
  }, 60_000);

  afterAll(async () => {
    await killAll(controllers);
    await sim?.close();
  });

  it('after a restart ends with all Ready, no duplicates and no orphans in Adobe', async () => {
    const target = await seedDataset(sim.url);
    // Latency stretches creation out, so the kill lands in the middle of it.
    await simFaults(sim.url, [{ latencyMs: 40, latencyJitterMs: 40 }]);
    const start = () => {
      const c = startController({
        kubeconfig: process.env.KUBECONFIG!,
        simUrl: sim.url,
        namespaces: [ns],
        // The default 10 requests/s would make this test last a minute.
        extraArgs: ['--flow-service-rate-limit=100', '--flow-service-burst=50'],
      });
      controllers.push(c);
      return c;
    };
    const first = start();
    await first.waitForLog((l) => l.msg === 'caches synced', 60_000);
    const names = Array.from({ length: COUNT }, (_, i) => `crash-${String(i).padStart(2, '0')}`);
    await apply(
      list(
        names.map((n, i) =>
          dataflowManifest(ns, n, target, {
            source: {
              projectId: String(3000000 + i),
              timezone: 'UTC',
              credentialsSecretRef: { name: 'mixpanel-service-account' },
            },
          }),
        ),
      ),
    );

    // Kill once some chains are complete and many are still being built.
    await waitFor(async () => (await simState(sim.url)).counts.flows! >= 5, {
      timeoutMs: 60_000,
      what: '5 flows created',
    });
    first.kill('SIGKILL');
    await first.exited;
    const atKill = (await simState(sim.url)).counts;
    expect(atKill.flows).toBeLessThan(COUNT);

    start();
    const crs = await waitFor(
      async () => {
        const all = await dataflows(ns);
        return all.length === COUNT && all.every((cr) => condition(cr, 'Ready')?.status === 'True')
          ? all
          : undefined;
      },
      { timeoutMs: 120_000, what: `${COUNT} dataflows Ready` },
    );
    const audit = chainAudit(crs, await simState(sim.url));
    for (const kind of ['connections', 'sourceConnections', 'targetConnections', 'flows'])
      expect(audit[kind]).toEqual({ total: COUNT, referenced: COUNT, orphans: 0, missing: 0 });
    // Data Prep has no delete, but a mapping set whose create answer was lost to the kill is
    // found by its deterministic name and adopted on restart, so none is left behind.
    expect(audit.mappingSets!.referenced).toBe(COUNT);
    expect(audit.mappingSets!.orphans).toBe(0);
  }, 240_000);
});
