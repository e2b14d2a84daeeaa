import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, SIMULATOR_DEFAULTS, type RunningSimulator } from '../../simulator/index.js';
import { createTestNamespace } from '../cluster/test-cluster.js';
import { killAll, startController, type ControllerProcess } from './support/controller-process.js';
import { waitGone, waitSynced } from './support/dataflow-wait.js';
import { apply, condition, dataflow, events, kubectlOk, patchDataflow } from './support/kube.js';
import { dataflowManifest, list, SECRETS, secretsManifest } from './support/manifests.js';
import { seedDataset, simAddCredential, simDelete, simResource, simState } from './support/sim.js';
import { waitFor } from './support/wait.js';

// One controller, one simulator, one namespace; each test owns its dataflows.
describe('the controller keeping Adobe equal to each MixpanelDataflow', () => {
  let sim: RunningSimulator;
  let ns: string;
  let ctl: ControllerProcess;
  let target: { datasetId: string; schemaId: string };
  let clientSecret: string = SIMULATOR_DEFAULTS.clientSecret;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ns = await createTestNamespace('e2e-lifecycle');
    target = await seedDataset(sim.url);
    await apply(secretsManifest(ns));
    // A short resync, so out-of-band changes in Adobe are seen within seconds.
    ctl = startController({
      kubeconfig: process.env.KUBECONFIG!,
      simUrl: sim.url,
      namespaces: [ns],
      syncPeriod: '3s',
    });
  }, 60_000);

  afterAll(async () => {
    if (ctl) await killAll([ctl]);
    await sim?.close();
  });

  const create = async (name: string, overrides = {}, annotations = {}) => {
    await apply(list([dataflowManifest(ns, name, target, overrides, annotations)]));
    return waitSynced(ns, name);
  };
  const resource = async (id: string) => (await simState(sim.url)).resources.find((r) => r.id === id);

  it('carries edits of schedule, mappings, enabled and projectId to Adobe and to status', async () => {
    const first = await create('edits');
    const flowId = first.status!.flow!.id;

    await patchDataflow(ns, 'edits', {
      spec: { schedule: { frequency: 'minute', interval: 30, startTime: '2026-12-01T00:00:00Z' } },
    });
    await waitSynced(ns, 'edits', 2);
    expect(Number((await resource(flowId))!.doc.scheduleParams.interval)).toBe(30);

    await patchDataflow(ns, 'edits', {
      spec: {
        mappings: [
          { source: 'insert_id', destination: '_id' },
          { source: 'distinct_id', destination: 'identityMap' },
          { source: 'time', destination: 'timestamp' },
        ],
      },
    });
    const mapped = await waitSynced(ns, 'edits', 3);
    expect(mapped.status!.mappingSet!.version).toBeGreaterThan(first.status!.mappingSet!.version!);
    expect(JSON.stringify((await resource(flowId))!.doc.transformations)).toContain(
      String(mapped.status!.mappingSet!.version),
    );

    await patchDataflow(ns, 'edits', { spec: { enabled: false } });
    await waitSynced(ns, 'edits', 4);
    expect((await resource(flowId))!.state).toBe('disabled');

    await patchDataflow(ns, 'edits', { spec: { source: { projectId: '2000002' } } });
    const replaced = await waitSynced(ns, 'edits', 5);
    const source = await resource(replaced.status!.sourceConnection!.id);
    expect(source!.doc.params.projectId).toBe('2000002');
    expect(replaced.status!.sourceConnection!.id).not.toBe(first.status!.sourceConnection!.id);
    // The old source connection is gone once the new chain is complete.
    await waitFor(async () => (await resource(first.status!.sourceConnection!.id)) === undefined, {
      what: 'old source connection deleted',
    });
  }, 120_000);

  it('carries a rotated Mixpanel password and rotated platform credentials to Adobe within seconds', async () => {
    const before = await create('rotation');
    const baseId = before.status!.baseConnection!.id;
    const hashBefore = (await simResource(sim.url, baseId)).authParamsSha256;

    const started = Date.now();
    await apply(secretsManifest(ns, 'mp-password-rotated-do-not-leak-2'));
    await waitFor(async () => (await simResource(sim.url, baseId)).authParamsSha256 !== hashBefore, {
      what: 'base connection credentials updated',
    });
    expect(Date.now() - started).toBeLessThan(15_000);

    const rotatedSecret = 'sim-client-secret-rotated-do-not-leak-3';
    clientSecret = rotatedSecret;
    await simAddCredential(sim.url, {
      clientId: SIMULATOR_DEFAULTS.clientId,
      clientSecret: rotatedSecret,
      orgId: SIMULATOR_DEFAULTS.orgId,
    });
    await kubectlOk([
      'patch',
      'secret',
      SECRETS.platform,
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ stringData: { clientSecret: rotatedSecret } }),
    ]);
    await waitFor(
      async () =>
        (await events(ns)).some((e) => e.reason === 'CredentialsRotated' && e.regarding?.name === 'rotation'),
      { what: 'CredentialsRotated event' },
    );
  }, 120_000);

  it('writes nothing to Adobe while paused, and applies the pending change once unpaused', async () => {
    const before = await create('paused');
    const flowId = before.status!.flow!.id;
    await kubectlOk(['annotate', 'mpdf', 'paused', '-n', ns, 'aepflows.io/paused=true']);
    await patchDataflow(ns, 'paused', { spec: { schedule: { frequency: 'hour', interval: 2 } } });
    await waitFor(
      async () => condition(await dataflow(ns, 'paused'), 'Synced')?.reason === 'ReconcilePaused',
      { what: 'Synced=False/ReconcilePaused' },
    );
    expect((await resource(flowId))!.doc.scheduleParams.frequency).toBe('minute');

    await kubectlOk(['annotate', 'mpdf', 'paused', '-n', ns, 'aepflows.io/paused-']);
    await waitSynced(ns, 'paused', 2);
    const params = (await resource(flowId))!.doc.scheduleParams;
    expect([params.frequency, Number(params.interval)]).toEqual(['hour', 2]);
  }, 120_000);

  it('deletes the chain with deletionPolicy Delete and leaves it with Orphan, removing the finalizer either way', async () => {
    const del = await create('delete-me', { deletionPolicy: 'Delete' });
    const orphan = await create('orphan-me', { deletionPolicy: 'Orphan' });
    expect(del.metadata.finalizers).toContain('aepflows.io/finalizer');
    await kubectlOk(['delete', 'mpdf', 'delete-me', 'orphan-me', '-n', ns, '--wait=false']);
    await waitGone(ns, 'delete-me');
    await waitGone(ns, 'orphan-me');
    const ids = (await simState(sim.url)).resources.map((r) => r.id);
    for (const link of ['flow', 'sourceConnection', 'targetConnection', 'baseConnection'] as const) {
      expect(ids).not.toContain(del.status![link]!.id);
      expect(ids).toContain(orphan.status![link]!.id);
    }
  }, 120_000);

  it('recreates a flow deleted out of band in Adobe at the next resync', async () => {
    const before = await create('drift');
    await simDelete(sim.url, before.status!.flow!.id);
    const repaired = await waitFor(
      async () => {
        const cr = await dataflow(ns, 'drift');
        const id = cr?.status?.flow?.id;
        return id && id !== before.status!.flow!.id && condition(cr, 'Ready')?.status === 'True'
          ? cr
          : undefined;
      },
      { timeoutMs: 30_000, what: 'flow recreated' },
    );
    expect(await resource(repaired.status!.flow!.id)).toBeDefined();
  }, 60_000);

  it('finishes deleting a dataflow whose Secret was gone once credentials are back, saying why it waits meanwhile', async () => {
    await create('no-secret', { deletionPolicy: 'Delete' });
    await kubectlOk(['delete', 'secret', SECRETS.platform, '-n', ns]);
    await kubectlOk(['delete', 'mpdf', 'no-secret', '-n', ns, '--wait=false']);
    const stuck = await waitFor(
      async () => {
        const cr = await dataflow(ns, 'no-secret');
        return condition(cr, 'Synced')?.reason === 'SecretNotFound' ? cr : undefined;
      },
      { what: 'SecretNotFound while deleting' },
    );
    expect(condition(stuck, 'Synced')!.message).toContain(SECRETS.platform);
    await apply(secretsManifest(ns, 'mp-password-rotated-do-not-leak-2', clientSecret));
    await waitGone(ns, 'no-secret', 30_000);
  }, 120_000);

  it('never puts a secret value in its logs, events or status', async () => {
    const leaks = /do-not-leak|sim-client-secret/;
    expect(ctl.output()).not.toMatch(leaks);
    expect(JSON.stringify(await events(ns))).not.toMatch(leaks);
    expect(await kubectlOk(['get', 'mpdf', '-n', ns, '-o', 'json'])).not.toMatch(leaks);
  });
});
