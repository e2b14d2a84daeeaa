import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { createTestNamespace } from '../cluster/test-cluster.js';
import { killAll, startController, type ControllerProcess } from './support/controller-process.js';
import { apply, condition, dataflow, events } from './support/kube.js';
import { dataflowManifest, list, secretsManifest } from './support/manifests.js';
import { countCalls, seedDataset, simRequests } from './support/sim.js';
import { waitFor } from './support/wait.js';

const SYNC_PERIOD_S = 4;

describe('a MixpanelDataflow that passes admission but that Adobe rejects', () => {
  let sim: RunningSimulator;
  let ns: string;
  let ctl: ControllerProcess;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ns = await createTestNamespace('e2e-invalid');
    await apply(secretsManifest(ns));
    ctl = startController({
      kubeconfig: process.env.KUBECONFIG!,
      simUrl: sim.url,
      namespaces: [ns],
      syncPeriod: `${SYNC_PERIOD_S}s`,
    });
  }, 60_000);

  afterAll(async () => {
    if (ctl) await killAll([ctl]);
    await sim?.close();
  });

  it("ends Synced=False with Adobe's message and a Warning event, and is not retried in a storm", async () => {
    const { schemaId } = await seedDataset(sim.url);
    const unknownDataset = 'ffffffffffffffffffffffff';
    await apply(list([dataflowManifest(ns, 'unknown-dataset', { datasetId: unknownDataset, schemaId })]));

    const failed = await waitFor(
      async () => {
        const cr = await dataflow(ns, 'unknown-dataset');
        return condition(cr, 'Synced')?.status === 'False' ? cr : undefined;
      },
      { what: 'Synced=False' },
    );
    expect(condition(failed, 'Synced')!.message).toContain(
      `The dataset with ID ${unknownDataset} could not be found`,
    );
    expect(condition(failed, 'Ready')?.status).not.toBe('True');
    const warning = await waitFor(
      async () =>
        (await events(ns)).find((e) => e.type === 'Warning' && e.regarding?.name === 'unknown-dataset'),
      { what: 'Warning event' },
    );
    expect(warning.note).toContain(unknownDataset);

    // Watch for three resync periods: at most one attempt per resync, never a backoff storm.
    const before = countCalls(await simRequests(sim.url), /^POST .*targetConnections$/);
    await sleep(3 * SYNC_PERIOD_S * 1000);
    const attempts = countCalls(await simRequests(sim.url), /^POST .*targetConnections$/) - before;
    process.stderr.write(`[invalid] Adobe create attempts in ${3 * SYNC_PERIOD_S} s: ${attempts}\n`);
    expect(attempts).toBeLessThanOrEqual(3 + 1);
    expect(condition(await dataflow(ns, 'unknown-dataset'), 'Synced')?.status).toBe('False');

    const metrics = await (await fetch(`http://127.0.0.1:${await ctl.metricsPort()}/metrics`)).text();
    const terminal =
      /controller_runtime_terminal_reconcile_errors_total\{controller="mixpaneldataflow"\} (\d+)/.exec(
        metrics,
      );
    expect(Number(terminal?.[1])).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
