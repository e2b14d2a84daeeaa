import { beforeAll, describe, expect, it } from '@jest/globals';
import type { ControllerProcess } from './support/controller-process.js';
import { useE2eEnv } from './support/env.js';
import { apply, condition, dataflow, events } from './support/kube.js';
import { dataflowManifest, list } from './support/manifests.js';
import { countCalls, seedDataset, simRequests } from './support/sim.js';
import { waitFor } from './support/wait.js';

/** Short, so several resyncs pass within seconds. */
const SYNC_PERIOD_S = 2;
/** Resyncs watched after the failure. */
const RESYNCS = 3;

describe('a MixpanelDataflow that passes admission but that Adobe rejects', () => {
  const env = useE2eEnv('e2e-invalid');
  let ctl: ControllerProcess;
  beforeAll(() => {
    ctl = env.start({ syncPeriod: `${SYNC_PERIOD_S}s` });
  });

  it("ends Synced=False with Adobe's message and a Warning event, and no resync calls Adobe again", async () => {
    const { sim, ns } = env;
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

    // The error policy calls the failure terminal: later resyncs reconcile (the terminal-error
    // counter grows) but never call Adobe again until the spec or a Secret changes.
    const terminalErrors = async () => {
      const text = await (await fetch(`http://127.0.0.1:${await ctl.metricsPort()}/metrics`)).text();
      const m =
        /controller_runtime_terminal_reconcile_errors_total\{controller="mixpaneldataflow"\} (\d+)/.exec(
          text,
        );
      return Number(m?.[1] ?? 0);
    };
    const errorsBefore = await terminalErrors();
    expect(errorsBefore).toBeGreaterThanOrEqual(1);
    const before = await simRequests(sim.url);
    await waitFor(async () => (await terminalErrors()) >= errorsBefore + RESYNCS, {
      what: `${RESYNCS} resyncs of the failed dataflow`,
      timeoutMs: 30_000,
    });
    const after = await simRequests(sim.url);
    const delta = (pattern: RegExp) => countCalls(after, pattern) - countCalls(before, pattern);
    expect(delta(/^POST .*targetConnections$/)).toBe(0);
    expect(delta(/^(GET|POST|PUT|PATCH|DELETE) \/data\//)).toBe(0);
    expect(condition(await dataflow(ns, 'unknown-dataset'), 'Synced')?.status).toBe('False');
  }, 90_000);
});
