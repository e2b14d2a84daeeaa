/**
 * Run monitoring in the engine against the simulator: runs are scripted through
 * `/__simulator/runs`, time moves through `/__simulator/clock`, and the engine's clock follows
 * the simulator's. Asserts status.lastRun, the Healthy condition, what the observer is told
 * (each run exactly once), and the Flow Service calls a poll costs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CONDITION_REASONS,
  HEALTH_MESSAGES,
  type DataflowRef,
  type RunObserver,
  type RunPoll,
} from '../../controller/reconcile/index.js';
import type { AdobePort } from '../../controller/reconcile/ports.js';
import {
  condition,
  Driver,
  Env,
  makeSpec,
  statusSchemaProblems,
  statusesWritten,
} from '../reconcile/harness.js';

const MIN = 60_000;
const INTERVAL = 15 * MIN;
const RUNS_PATH = 'GET /data/foundation/flowservice/runs';

/** An observer that remembers every poll, like the metrics do. */
class RecordingObserver implements RunObserver {
  polls: RunPoll[] = [];
  lastSuccess = new Map<string, number | null>();
  onPoll(ref: DataflowRef, poll: RunPoll): void {
    this.polls.push(poll);
    if (poll.lastSuccessAtMs !== undefined) this.lastSuccess.set(ref.uid, poll.lastSuccessAtMs);
  }
  knownLastSuccessAtMs(uid: string): number | null | undefined {
    return this.lastSuccess.get(uid);
  }
  /** Ids of every run ever accounted, in order. */
  accountedIds(): string[] {
    return this.polls.flatMap((p) => p.accounted.map((r) => r.id));
  }
}

describe('run monitoring against the simulator', () => {
  let env: Env;
  let offset = 0;
  const simNow = () => new Date(Date.now() + offset);
  const advance = async (ms: number) => {
    const r = await env.control('POST', 'clock', { advanceMs: ms });
    offset = (r.body.now as number) - Date.now();
  };
  const script = (flowId: string, outcomes: unknown[]) =>
    env.control('POST', 'runs', { flowId, outcomes, default: { status: 'success' } });

  /** A dataflow whose first run starts one minute from now (simulated), every 15 minutes. */
  async function newDataflow(observer: RunObserver): Promise<{ d: Driver; t0: number }> {
    const clock = await env.control('GET', 'clock');
    offset = (clock.body.now as number) - Date.now();
    const t0 = Math.ceil((clock.body.now as number) / MIN) * MIN + MIN;
    const d = new Driver(
      env,
      makeSpec(env, {
        schedule: { frequency: 'minute', interval: 15, startTime: new Date(t0).toISOString() },
      }),
    );
    await d.reconcile({ clock: simNow, runs: { observer } });
    return { d, t0 };
  }
  const poll = (d: Driver, observer: RunObserver, extra = {}) =>
    d.reconcile({ clock: simNow, runs: { observer }, ...extra });

  beforeAll(async () => {
    env = await Env.start();
  });
  afterAll(async () => env.close());

  it('reports NoRunsYet until a run finishes, then follows failed and succeeded runs', async () => {
    const obs = new RecordingObserver();
    const { d, t0 } = await newDataflow(obs);
    expect(condition(d.results.at(-1)!, 'Healthy')).toMatchObject({
      status: 'Unknown',
      reason: CONDITION_REASONS.NoRunsYet,
    });
    const flowId = d.obj.status!.flow!.id;
    await script(flowId, [
      {
        status: 'failed',
        inputRecordCount: 40,
        failedRecordCount: 40,
        errors: [{ code: 'CONNECTOR-1001-500', message: 'Error in copying the data from Source.' }],
      },
      { status: 'success', inputRecordCount: 50, outputRecordCount: 45, failedRecordCount: 5 },
    ]);

    // The first run is in progress: nothing finished, nothing counted, the newest run is reported.
    await advance(t0 + 10_000 - simNow().getTime());
    let res = await poll(d, obs);
    expect(res.status.lastRun).toBeUndefined();
    expect(condition(res, 'Healthy')?.reason).toBe(CONDITION_REASONS.NoRunsYet);
    expect(obs.polls.at(-1)?.newest?.status).toBe('inProgress');
    expect(obs.accountedIds()).toEqual([]);

    await advance(MIN);
    const written = statusesWritten.length;
    res = await poll(d, obs);
    // Every status persisted mid-reconcile that carries the failed run also says Healthy=False:
    // a reader (kubectl, Argo CD) never sees a new lastRun beside the previous verdict.
    const withFailedRun = statusesWritten.slice(written).filter((st) => st.lastRun?.status === 'failed');
    expect(withFailedRun.length).toBeGreaterThan(0);
    for (const st of withFailedRun)
      expect(st.conditions?.find((c) => c.type === 'Healthy')).toMatchObject({
        status: 'False',
        reason: CONDITION_REASONS.RunFailed,
      });
    expect(res.status.lastRun).toMatchObject({
      status: 'failed',
      startedAt: new Date(t0).toISOString(),
      completedAt: new Date(t0 + MIN).toISOString(),
      recordsRead: 40,
      recordsWritten: 0,
      recordsFailed: 40,
    });
    expect(condition(res, 'Healthy')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.RunFailed,
      message: `Run ${res.status.lastRun!.id} failed: CONNECTOR-1001-500: Error in copying the data from Source.`,
    });
    expect(obs.polls.at(-1)?.lastSuccessAtMs).toBeNull();
    // The failed run raises one Warning Event carrying Adobe's error; polling again raises none.
    expect(res.events).toEqual([
      { type: 'Warning', reason: 'RunFailed', message: condition(res, 'Healthy')!.message },
    ]);
    expect((await poll(d, obs)).events).toEqual([]);

    await advance(INTERVAL);
    res = await poll(d, obs);
    expect(res.status.lastRun).toMatchObject({
      status: 'success',
      recordsRead: 50,
      recordsWritten: 45,
      recordsFailed: 5,
    });
    expect(condition(res, 'Healthy')).toMatchObject({
      status: 'True',
      reason: CONDITION_REASONS.RunSucceeded,
      message: HEALTH_MESSAGES.succeeded(res.status.lastRun!),
    });
    expect(obs.polls.at(-1)?.lastSuccessAtMs).toBe(t0 + INTERVAL + MIN);
    expect(res.events.filter((e) => e.reason === 'RunFailed')).toEqual([]);
    expect(obs.accountedIds()).toHaveLength(2);
    expect(statusSchemaProblems()).toEqual([]);
  });

  it('leaves status identical and counts nothing when a poll finds no new run', async () => {
    const obs = new RecordingObserver();
    const { d, t0 } = await newDataflow(obs);
    await advance(t0 + MIN + 1_000 - simNow().getTime());
    const first = await poll(d, obs);
    expect(first.status.lastRun?.status).toBe('success');
    await env.resetRequests();
    const again = await poll(d, obs);
    expect(again.status).toEqual(first.status);
    expect(again.events).toEqual([]);
    expect(obs.accountedIds()).toHaveLength(1);
    // One GET /runs per poll, filtered past the cursor.
    expect((await env.requests())[RUNS_PATH]).toBe(1);
  });

  it('reads only runs newer than the cursor and catches up in bounded batches, each run once', async () => {
    const obs = new RecordingObserver();
    const { d, t0 } = await newDataflow(obs);
    await advance(t0 + MIN + 1_000 - simNow().getTime());
    await poll(d, obs); // first run accounted, cursor set
    await advance(12 * INTERVAL); // twelve more runs finish while nobody polls
    let runsRead = 0;
    d.wrapPort = (port: AdobePort): AdobePort => ({
      ...port,
      listRuns: async (flowId, query) => {
        const runs = await port.listRuns(flowId, query);
        runsRead += runs.length;
        return runs;
      },
    });
    const batches: number[] = [];
    for (let i = 0; i < 4; i++) {
      await env.resetRequests();
      await poll(d, obs, { runs: { observer: obs, limits: { runsPerPoll: 5 } } });
      batches.push(obs.polls.at(-1)!.accounted.length);
      expect((await env.requests())[RUNS_PATH]).toBe(1);
    }
    expect(batches).toEqual([5, 5, 2, 0]);
    // O(new runs): the twelve new runs were read once each, the accounted history never again.
    expect(runsRead).toBe(12);
    const ids = obs.accountedIds();
    expect(ids).toHaveLength(13);
    expect(new Set(ids).size).toBe(13);
    expect(d.obj.status?.lastRun?.startedAt).toBe(new Date(t0 + 12 * INTERVAL).toISOString());
  });

  it('goes Stale when no successful run arrives within two schedule intervals', async () => {
    const obs = new RecordingObserver();
    const { d, t0 } = await newDataflow(obs);
    const flowId = d.obj.status!.flow!.id;
    // The second run hangs for three hours.
    await script(flowId, [{ status: 'success' }, { status: 'success', durationMs: 180 * MIN }]);
    await advance(t0 + MIN + 1_000 - simNow().getTime());
    const ok = await poll(d, obs);
    expect(condition(ok, 'Healthy')?.reason).toBe(CONDITION_REASONS.RunSucceeded);
    await advance(INTERVAL);
    const running = await poll(d, obs);
    expect(condition(running, 'Healthy')?.reason).toBe(CONDITION_REASONS.RunSucceeded);
    await advance(INTERVAL);
    const stale = await poll(d, obs);
    expect(condition(stale, 'Healthy')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.Stale,
      message: HEALTH_MESSAGES.stale(ok.status.lastRun!, 900),
    });
    expect(stale.status.lastRun).toEqual(ok.status.lastRun);
    const again = await poll(d, obs);
    expect(again.status).toEqual(stale.status);
  });

  it('never counts a run twice across a restart, nor when the cursor could not be persisted', async () => {
    const obs = new RecordingObserver();
    const { d, t0 } = await newDataflow(obs);
    const flowId = d.obj.status!.flow!.id;
    await script(flowId, [{ status: 'success' }, { status: 'failed' }, { status: 'failed' }]);
    await advance(t0 + INTERVAL + MIN + 1_000 - simNow().getTime());

    // The status write of the new cursor fails: nothing is counted, the runs are read again later.
    const failed = await d.reconcile({
      clock: simNow,
      runs: { observer: obs },
      writeStatus: () => Promise.reject(new Error('conflict')),
    });
    expect(failed.status.lastRun).toBeUndefined();
    expect(obs.accountedIds()).toEqual([]);

    await poll(d, obs);
    expect(obs.accountedIds()).toHaveLength(2);

    // A restarted controller (a fresh observer) continues from the persisted cursor.
    const restarted = new RecordingObserver();
    await advance(INTERVAL);
    await env.resetRequests();
    await poll(d, restarted);
    expect(restarted.accountedIds()).toHaveLength(1);
    expect(obs.accountedIds()).not.toContain(restarted.accountedIds()[0]);
    // It does not know the last success yet: one lookup finds it.
    expect((await env.requests())[RUNS_PATH]).toBe(2);
    expect(restarted.polls.at(-1)?.lastSuccessAtMs).toBe(t0 + MIN);
    await env.resetRequests();
    await poll(d, restarted);
    expect((await env.requests())[RUNS_PATH]).toBe(1);
  });
});
