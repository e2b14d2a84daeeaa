import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FS, Harness } from './helpers.js';

const MIN = 60_000;

describe('runs on the simulated clock', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ runHistoryPerFlow: 10 });
  });
  afterAll(() => h.close());

  const runs = async (flowId: string, extra = '') =>
    (await h.call('GET', `${FS}/runs?property=flowId==${flowId}${extra}`)).body;

  it('produces runs on schedule with scripted outcomes, then the default', async () => {
    const start = Math.floor(Date.now() / 1000) + 60;
    const { flowId } = await h.chain({ startTime: start, frequency: 'minute', interval: 15 });
    await h.control('POST', 'runs', {
      flowId,
      outcomes: [
        {
          status: 'failed',
          inputRecordCount: 10,
          errors: [{ code: 'CONNECTOR-1001-500', message: 'Error in copying the data from Source.' }],
          durationMs: 1000,
        },
        { status: 'success', inputRecordCount: 50, failedRecordCount: 2, durationMs: 1000 },
      ],
    });
    expect((await runs(flowId)).items).toEqual([]);

    await h.advance(MIN + 5 * MIN); // past the start: one run
    let body = await runs(flowId);
    expect(body.items).toHaveLength(1);
    const first = body.items[0];
    expect(first.flowId).toBe(flowId);
    expect(first.metrics.statusSummary.status).toBe('failed');
    expect(first.metrics.statusSummary.errors).toEqual([
      { code: 'CONNECTOR-1001-500', message: 'Error in copying the data from Source.' },
    ]);
    expect(first.metrics.recordSummary).toEqual({
      inputRecordCount: 10,
      outputRecordCount: 0,
      failedRecordCount: 10,
    });
    expect(first.metrics.durationSummary.startedAtUTC).toBe(start * 1000);
    expect(first.metrics.durationSummary.completedAtUTC).toBe(start * 1000 + 1000);

    await h.advance(30 * MIN); // two more runs: the scripted success, then the default
    body = await runs(flowId, '&orderby=-createdAt');
    expect(body.items).toHaveLength(3);
    const [newest, middle] = body.items;
    expect(middle.metrics.statusSummary.status).toBe('success');
    expect(middle.metrics.recordSummary).toEqual({
      inputRecordCount: 50,
      outputRecordCount: 48,
      failedRecordCount: 2,
    });
    expect(newest.metrics.durationSummary.startedAtUTC - middle.metrics.durationSummary.startedAtUTC).toBe(
      15 * MIN,
    );

    const flow = (await h.call('GET', `${FS}/flows/${flowId}`)).body.items[0];
    // The newest run lasts the default 60 s, so it is complete 15 min after its start.
    expect(flow.lastRunDetails).toEqual({
      id: newest.id,
      state: 'success',
      startedAtUTC: newest.metrics.durationSummary.startedAtUTC,
      completedAtUTC: newest.metrics.durationSummary.completedAtUTC,
    });
    expect((await h.call('GET', `${FS}/runs/${newest.id}`)).body.items[0].id).toBe(newest.id);
  });

  it('reports a run in progress until its duration has passed', async () => {
    const start = Math.floor(Date.now() / 1000) + 60;
    const { flowId } = await h.chain({ startTime: start, frequency: 'hour', interval: 1 });
    await h.control('POST', 'runs', { flowId, outcomes: [{ durationMs: 10 * MIN }] });
    await h.advance(2 * MIN);
    const run = (await runs(flowId)).items[0];
    expect(run.metrics.statusSummary.status).toBe('inProgress');
    expect(run.metrics.durationSummary.completedAtUTC).toBeUndefined();
    expect((await h.call('GET', `${FS}/flows/${flowId}`)).body.items[0].lastRunDetails).toBeUndefined();
    await h.advance(10 * MIN);
    expect((await runs(flowId)).items[0].metrics.statusSummary.status).toBe('success');
  });

  it('stops producing runs while a flow is disabled and resumes when enabled', async () => {
    const start = Math.floor(Date.now() / 1000) + 60;
    const { flowId } = await h.chain({ startTime: start, frequency: 'hour', interval: 1 });
    await h.advance(2 * MIN);
    expect((await runs(flowId)).items).toHaveLength(1);
    await h.call('POST', `${FS}/flows/${flowId}/action?op=disable`);
    await h.advance(5 * 60 * MIN);
    expect((await runs(flowId)).items).toHaveLength(1);
    await h.call('POST', `${FS}/flows/${flowId}/action?op=enable`);
    await h.advance(MIN);
    expect((await runs(flowId)).items).toHaveLength(2);
  });

  it('runs a once-scheduled flow exactly once', async () => {
    const { flowId } = await h.chain({
      startTime: Math.floor(Date.now() / 1000),
      frequency: 'once',
      interval: undefined,
    });
    await h.advance(7 * 24 * 60 * MIN);
    expect((await runs(flowId)).items).toHaveLength(1);
  });

  it('keeps run history bounded per flow and pages through it', async () => {
    const { flowId } = await h.chain({
      startTime: Math.floor(Date.now() / 1000),
      frequency: 'minute',
      interval: 15,
    });
    await h.advance(24 * 60 * MIN); // 96 intervals
    const all = await runs(flowId);
    expect(all.items).toHaveLength(10);
    // Sorting on a nested field is not documented (1433); `createdAt` is.
    const undocumented = await runs(flowId, '&orderby=-metrics.durationSummary.startedAtUTC');
    expect(undocumented.type).toBe('https://ns.adobe.com/aep/errors/FLOW-1433-400');
    const page1 = await runs(flowId, '&limit=4&orderby=-createdAt');
    expect(page1.items).toHaveLength(4);
    const token = new URL(page1._links.next.href, 'http://x').searchParams.get('continuationToken');
    const page2 = await runs(flowId, `&limit=4&orderby=-createdAt&continuationToken=${token}`);
    expect(page2.items).toHaveLength(4);
    const starts = [...page1.items, ...page2.items].map(
      (r: { metrics: { durationSummary: { startedAtUTC: number } } }) =>
        r.metrics.durationSummary.startedAtUTC,
    );
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(new Set(starts).size).toBe(8);
  });

  it('filters runs by status and time window', async () => {
    const { flowId } = await h.chain({
      startTime: Math.floor(Date.now() / 1000),
      frequency: 'minute',
      interval: 15,
    });
    await h.control('POST', 'runs', {
      flowId,
      outcomes: [{ status: 'success' }, { status: 'failed' }, { status: 'success' }],
      default: { status: 'failed' },
    });
    await h.advance(60 * MIN);
    const failed = await runs(flowId, '&property=metrics.statusSummary.status==Failed');
    expect(failed.items.length).toBeGreaterThanOrEqual(2);
    expect(
      failed.items.every(
        (r: { metrics: { statusSummary: { status: string } } }) =>
          r.metrics.statusSummary.status === 'failed',
      ),
    ).toBe(true);
    const all = (await runs(flowId)).items as { metrics: { durationSummary: { startedAtUTC: number } } }[];
    const t = all[1]!.metrics.durationSummary.startedAtUTC;
    const window = await runs(
      flowId,
      `&property=metrics.durationSummary.startedAtUTC>=${t}&property=metrics.durationSummary.startedAtUTC<${t + 1}`,
    );
    expect(window.items).toHaveLength(1);
  });

  it('fails runs of a flow whose Mixpanel credentials were marked invalid', async () => {
    const { flowId } = await h.chain({
      startTime: Math.floor(Date.now() / 1000),
      frequency: 'minute',
      interval: 15,
    });
    await h.control('POST', 'mixpanel', { invalidUsernames: ['svc.user'] });
    await h.advance(16 * MIN);
    const latest = (await runs(flowId, '&orderby=-createdAt&limit=1')).items[0];
    expect(latest.metrics.statusSummary.status).toBe('failed');
    expect(latest.metrics.statusSummary.errors[0].code).toBe('CONNECTOR-1001-500');
    await h.control('POST', 'mixpanel', { invalidUsernames: [] });
  });

  it('forgets the runs of a deleted flow', async () => {
    const { flowId } = await h.chain({
      startTime: Math.floor(Date.now() / 1000),
      frequency: 'minute',
      interval: 15,
    });
    await h.advance(MIN);
    expect((await runs(flowId)).items.length).toBeGreaterThan(0);
    await h.call('DELETE', `${FS}/flows/${flowId}`);
    await h.advance(1_100); // the deletion finalizes
    expect((await runs(flowId)).items).toEqual([]);
  });
});

describe('schedule changes', () => {
  it('keep the phase of earlier runs instead of starting a new series at once', async () => {
    const h = await Harness.start();
    try {
      const { flowId } = await h.chain({
        startTime: Math.floor(Date.now() / 1000),
        frequency: 'hour',
        interval: 1,
      });
      await h.advance(MIN);
      const path = `${FS}/flows/${flowId}`;
      const etag = (await h.call('GET', path)).body.items[0].etag;
      const r = await h.call('PATCH', path, [{ op: 'replace', path: '/scheduleParams/interval', value: 2 }], {
        'if-match': etag,
      });
      expect(r.status).toBe(200);
      expect((await h.call('GET', `${FS}/runs?property=flowId==${flowId}`)).body.items).toHaveLength(1);
      await h.advance(60 * MIN);
      expect((await h.call('GET', `${FS}/runs?property=flowId==${flowId}`)).body.items).toHaveLength(1);
      await h.advance(60 * MIN);
      expect((await h.call('GET', `${FS}/runs?property=flowId==${flowId}`)).body.items).toHaveLength(2);
    } finally {
      await h.close();
    }
  });
});

describe('405 and unknown paths', () => {
  it('counts them by template, not by raw path', async () => {
    const h = await Harness.start();
    try {
      const r = await h.call('PUT', `${FS}/flows/abc`, {});
      expect(r.status).toBe(405);
      expect((await h.call('GET', '/data/foundation/nothing/here')).status).toBe(404);
      const counts = (await h.control('GET', 'requests')).body.counts;
      expect(counts['PUT /data/foundation/flowservice/flows/{id}']).toBe(1);
      expect(counts['GET <unmatched>']).toBe(1);
    } finally {
      await h.close();
    }
  });
});

describe('ad-hoc runs', () => {
  it('are created with POST /runs for a once flow, answered with the full run, scheduled, then complete', async () => {
    const h = await Harness.start();
    try {
      const { flowId } = await h.chain({
        startTime: Math.floor(Date.now() / 1000) + 86_400,
        frequency: 'once',
        interval: undefined,
      });
      const now = Math.floor(Date.now() / 1000);
      const r = await h.call('POST', `${FS}/runs`, {
        flowId,
        params: { windowStartTime: String(now - 3600), windowEndTime: String(now) },
      });
      expect(r.status).toBe(201);
      // EN create-flow-runs.md: the full run, with its params, status scheduled and no activities.
      expect(r.body).toMatchObject({
        id: expect.any(String),
        flowId,
        etag: expect.stringMatching(/^".+"$/),
        params: { windowStartTime: String(now - 3600), windowEndTime: String(now) },
        metrics: { statusSummary: { status: 'scheduled' } },
        activities: [],
      });
      expect(r.body.metrics.durationSummary).toBeUndefined();
      const run = async () => (await h.call('GET', `${FS}/runs/${r.body.id}`)).body.items[0];
      expect((await run()).state).toBe('scheduled');
      await h.advance(11 * MIN);
      expect((await run()).metrics.statusSummary.status).toBe('success');
      expect((await run()).activities[0].durationSummary.extensions.windowStart).toBe((now - 3600) * 1000);
      const missing = await h.call('POST', `${FS}/runs`, { flowId: '0a000000-0000-4000-8000-000000000000' });
      expect(missing.body.type).toBe('https://ns.adobe.com/aep/errors/FLOW-1430-400');
      const empty = await h.call('POST', `${FS}/runs`, { flowId: '' });
      expect(empty.body.type).toBe('https://ns.adobe.com/aep/errors/FLOW-1446-400');
      // FS-OAS: "the flow must be scheduled for one-time ingestion".
      const repeating = await h.chain({ startTime: now, frequency: 'minute', interval: 15 });
      expect((await h.call('POST', `${FS}/runs`, { flowId: repeating.flowId })).status).toBe(400);
    } finally {
      await h.close();
    }
  });

  it('re-triggers a failed run with op=re-trigger (the OAS spelling RE_TRIGGER too), nothing else', async () => {
    const h = await Harness.start();
    try {
      const { flowId } = await h.chain({
        startTime: Math.floor(Date.now() / 1000),
        frequency: 'minute',
        interval: 15,
      });
      await h.control('POST', 'runs', { flowId, outcomes: [{ status: 'failed' }, { status: 'success' }] });
      await h.advance(2 * MIN);
      const [failed] = (await h.call('GET', `${FS}/runs?property=flowId==${flowId}`)).body.items;
      expect(failed.metrics.statusSummary.status).toBe('failed');
      const bad = await h.call('POST', `${FS}/runs/${failed.id}/action?op=retrigger`);
      expect(bad.status).toBe(400);
      const r = await h.call('POST', `${FS}/runs/${failed.id}/action?op=re-trigger`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ id: expect.any(String), etag: expect.stringMatching(/^".+"$/) });
      expect(r.body.id).not.toBe(failed.id);
      const upper = await h.call('POST', `${FS}/runs/${failed.id}/action?op=RE_TRIGGER`);
      expect(upper.status).toBe(200);
      await h.advance(2 * MIN);
      const retried = (await h.call('GET', `${FS}/runs/${r.body.id}`)).body.items[0];
      expect(retried.activities[0].durationSummary.extensions.windowStart).toBe(
        failed.activities[0].durationSummary.extensions.windowStart,
      );
      // A successful run with records is not re-triggered.
      const ok = await h.call('POST', `${FS}/runs/${retried.id}/action?op=re-trigger`);
      expect(ok.body.type).toBe('https://ns.adobe.com/aep/errors/FLOW-1422-400');
    } finally {
      await h.close();
    }
  });
});

describe('run shapes from Adobe examples', () => {
  it('produces partialSuccess, a queued run with only statusSummary, and runs with only a top-level state', async () => {
    const h = await Harness.start();
    try {
      const { flowId } = await h.chain({
        startTime: Math.floor(Date.now() / 1000),
        frequency: 'minute',
        interval: 15,
      });
      await h.control('POST', 'runs', {
        flowId,
        outcomes: [
          { status: 'partialSuccess', inputRecordCount: 100, failedRecordCount: 7 },
          { status: 'failed', shape: 'stateOnly' },
          { status: 'success', queuedMs: 5 * MIN },
        ],
      });
      await h.advance(31 * MIN);
      const items = (await h.call('GET', `${FS}/runs?property=flowId==${flowId}&orderby=createdAt`)).body
        .items;
      expect(items).toHaveLength(3);
      expect(items[0]).toMatchObject({
        state: 'partialSuccess',
        metrics: {
          statusSummary: { status: 'partialSuccess' },
          recordSummary: { inputRecordCount: 100, outputRecordCount: 93, failedRecordCount: 7 },
        },
      });
      expect(items[1].state).toBe('failed');
      expect(items[1].metrics.statusSummary.status).toBeUndefined();
      expect(items[2]).toMatchObject({
        state: 'scheduled',
        metrics: { statusSummary: { status: 'scheduled' } },
      });
      expect(items[2].metrics.durationSummary).toBeUndefined();
      const flow = (await h.call('GET', `${FS}/flows/${flowId}`)).body.items[0];
      expect(flow.lastRunDetails.state).toBe('failed');
      const byState = await h.call(
        'GET',
        `${FS}/runs?property=flowId==${flowId}&property=state==partialSuccess`,
      );
      expect(byState.body.items.map((r: { id: string }) => r.id)).toEqual([items[0].id]);
    } finally {
      await h.close();
    }
  });
});

describe('run links and optional If-Match on actions', () => {
  it('serve /flows/{id}/runs like /runs?property=flowId==… and check an If-Match sent with an action', async () => {
    const h = await Harness.start();
    try {
      const { flowId } = await h.chain({
        startTime: Math.floor(Date.now() / 1000),
        frequency: 'minute',
        interval: 15,
      });
      await h.advance(31 * MIN);
      const a = (await h.call('GET', `${FS}/flows/${flowId}/runs`)).body.items.map(
        (r: { id: string }) => r.id,
      );
      const b = (await h.call('GET', `${FS}/runs?property=flowId==${flowId}`)).body.items.map(
        (r: { id: string }) => r.id,
      );
      expect(a).toHaveLength(3);
      expect(a).toEqual(b);
      expect((await h.call('GET', `${FS}/flows/0a000000-0000-4000-8000-000000000000/runs`)).status).toBe(404);

      const stale = await h.call('POST', `${FS}/flows/${flowId}/action?op=DISABLE`, undefined, {
        'if-match': '"stale"',
      });
      expect(stale.status).toBe(412);
      const etag = (await h.call('GET', `${FS}/flows/${flowId}`)).body.items[0].etag;
      expect(
        (await h.call('POST', `${FS}/flows/${flowId}/action?op=disable`, undefined, { 'if-match': etag }))
          .status,
      ).toBe(200);
    } finally {
      await h.close();
    }
  });
});
