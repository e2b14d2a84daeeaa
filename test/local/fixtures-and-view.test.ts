import { describe, expect, it } from '@jest/globals';
import type { LocalRecord } from '../../controller/offline/state.js';
import { allReady, summaryLine } from '../../controller/local/summary.js';
import { PlainView, renderTable, rowOf } from '../../controller/local/view.js';
import { createFlowServiceClient } from '../../controller/flowservice/index.js';
import { parseFixtures, readFixtures } from '../../simulator/fixtures.js';
import { SIMULATOR_DEFAULTS, startSimulator } from '../../simulator/index.js';

describe('simulator fixtures', () => {
  it('make the examples’ datasets and schemas exist with their fixed ids, also after a reset', async () => {
    const fixtures = readFixtures('examples/simulator/fixtures.json');
    const sim = await startSimulator({ port: 0, fixtures });
    const client = createFlowServiceClient({
      imsUrl: sim.url,
      platformUrl: sim.url,
      sandbox: 'dev',
      credentials: { ...SIMULATOR_DEFAULTS },
    });
    try {
      const dataset = fixtures.datasets!.find((d) => d.sandbox === 'dev')!;
      expect((await client.catalog.getDataset(dataset.id)).schemaRef?.id).toBe(dataset.schemaId);
      await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
      expect((await client.schemaRegistry.getSchema(dataset.schemaId)).title).toBe(
        'Mixpanel mobile app events',
      );
    } finally {
      await client.close();
      await sim.close();
    }
  });

  it('refuse a dataset whose schema is not a fixture', () => {
    expect(() =>
      parseFixtures({ datasets: [{ sandbox: 'prod', id: 'a', name: 'n', schemaId: 'https://x/schemas/1' }] }),
    ).toThrow('datasets[0].schemaId https://x/schemas/1 is not a schema fixture');
  });
});

const record = (status: LocalRecord['status']): LocalRecord => ({
  namespace: 'analytics',
  name: 'purchases',
  uid: 'u',
  generation: 1,
  spec: { deletionPolicy: 'Delete' } as LocalRecord['spec'],
  status,
});

describe('what the person sees', () => {
  it('shows Healthy and the last run the engine recorded in status', () => {
    const rec = record({
      flow: { id: 'flow-1' },
      lastRun: {
        id: 'run-1',
        status: 'success',
        startedAt: '2026-12-01T00:00:00.000Z',
        completedAt: '2026-12-01T00:01:00.000Z',
        recordsWritten: 9,
      },
      conditions: [
        {
          type: 'Healthy',
          status: 'True',
          reason: 'RunSucceeded',
          message: 'Run run-1 succeeded.',
          lastTransitionTime: '2026-12-01T00:01:00Z',
        },
      ],
    });
    const row = rowOf('analytics/purchases', rec);
    expect(row).toMatchObject({
      healthy: 'True',
      flowId: 'flow-1',
      lastRun: 'success 2026-12-01 00:01 9 rec',
    });
    expect(renderTable([row])[1]).toMatch(
      /^analytics\/purchases\s+-\s+-\s+True\s+flow-1\s+success 2026-12-01 00:01 9 rec$/,
    );
  });

  it('renders a table row per dataflow with the reason when it is not Ready', () => {
    const t = '2026-12-01T00:00:00Z';
    const rec = record({
      flow: { id: 'flow-1' },
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'Creating',
          message: 'Creating the chain.',
          lastTransitionTime: t,
        },
        { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', message: '', lastTransitionTime: t },
      ],
    });
    const lines = renderTable([rowOf('analytics/purchases', rec)]);
    expect(lines[0]).toMatch(/^NAME\s+READY\s+SYNCED\s+HEALTHY\s+FLOW\s+LAST RUN$/);
    expect(lines[1]).toMatch(/^analytics\/purchases\s+False\s+True\s+-\s+flow-1\s+-$/);
    expect(lines[2]).toBe('  analytics/purchases: Creating: Creating the chain.');
  });

  it('prints a plain line only when a row changes, and one when a dataflow is gone', () => {
    const out: string[] = [];
    const view = new PlainView((l) => out.push(l));
    const row = rowOf('analytics/purchases', record({}));
    view.rows([row]);
    view.rows([row]);
    view.rows([]);
    expect(out).toEqual([
      'analytics/purchases Ready=- Synced=- Healthy=- flow=- lastRun=-',
      'analytics/purchases deleted',
    ]);
  });

  it('announces all Ready only when every dataflow is Ready for its current generation and none is being deleted', () => {
    const ready = (gen: number) =>
      record({
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Available',
            message: '',
            observedGeneration: gen,
            lastTransitionTime: '',
          },
        ],
      });
    expect(allReady([ready(1), ready(1)])).toBe(true);
    expect(allReady([ready(1), { ...ready(1), generation: 2 }])).toBe(false);
    expect(allReady([ready(1), { ...ready(1), deletionTimestamp: '2026-12-01T00:00:00Z' }])).toBe(false);
    expect(allReady([])).toBe(false);
    expect(summaryLine(3, 0, 2345)).toBe('all 3 dataflows Ready in 2.3s');
    expect(summaryLine(1, 2)).toBe('all 1 dataflow Ready (2 invalid manifest problems; see above)');
  });
});
