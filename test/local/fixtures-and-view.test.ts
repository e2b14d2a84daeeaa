import { describe, expect, it } from '@jest/globals';
import { withHealth } from '../../controller/local/health.js';
import type { LocalRecord } from '../../controller/local/state.js';
import { allReady, summaryLine } from '../../controller/local/summary.js';
import { PlainView, renderTable, rowOf } from '../../controller/local/view.js';
import { createFlowServiceClient, type Run } from '../../controller/flowservice/index.js';
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

const run = (status: string, done: boolean): Run =>
  ({
    id: 'run-1',
    createdAt: Date.parse('2026-12-01T00:00:00Z'),
    metrics: {
      durationSummary: {
        startedAtUTC: Date.parse('2026-12-01T00:00:00Z'),
        ...(done ? { completedAtUTC: Date.parse('2026-12-01T00:01:00Z') } : {}),
      },
      recordSummary: done ? { inputRecordCount: 10, outputRecordCount: 9, failedRecordCount: 1 } : {},
      statusSummary: { status },
    },
  }) as Run;

describe('what the person sees', () => {
  it('turns the newest run into lastRun and Healthy, keeping the last verdict while a run is in progress', () => {
    const now = new Date('2026-12-01T00:02:00Z');
    const ok = withHealth({ observedGeneration: 1 }, run('success', true), true, now);
    expect(ok.lastRun).toEqual({
      id: 'run-1',
      status: 'success',
      startedAt: '2026-12-01T00:00:00.000Z',
      completedAt: '2026-12-01T00:01:00.000Z',
      recordsRead: 10,
      recordsWritten: 9,
      recordsFailed: 1,
    });
    expect(ok.conditions?.find((c) => c.type === 'Healthy')?.status).toBe('True');
    const busy = withHealth(ok, { ...run('inProgress', false), id: 'run-2' }, true, now);
    expect(busy.conditions?.find((c) => c.type === 'Healthy')?.reason).toBe('RunSucceeded');
    const failed = withHealth(busy, run('failed', true), true, now);
    expect(failed.conditions?.find((c) => c.type === 'Healthy')).toMatchObject({
      status: 'False',
      reason: 'RunFailed',
    });
    expect(withHealth({}, undefined, true, now).conditions?.[0]).toMatchObject({
      status: 'Unknown',
      reason: 'NoRunsYet',
    });
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
