/**
 * Run monitoring with the run shapes Adobe's examples show: a `partialSuccess` run (neither a clean
 * success nor a failure), a run whose status is only in the top-level `state`, and a just-scheduled
 * run with only `statusSummary` and no `durationSummary` yet. Records are counted as reported.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CONDITION_REASONS, type RunObserver, type RunPoll } from '../../controller/reconcile/index.js';
import { condition, Driver, Env, makeSpec } from './harness.js';

const MIN = 60_000;

describe('run monitoring of every run shape Adobe shows', () => {
  let env: Env;
  beforeAll(async () => {
    env = await Env.start();
  });
  afterAll(async () => env.close());

  it('says partial success in Healthy, reads a top-level state, and waits for a queued run', async () => {
    const t0 = Math.ceil(env.now().getTime() / MIN) * MIN + MIN;
    const d = new Driver(
      env,
      makeSpec(env, {
        schedule: { frequency: 'minute', interval: 15, startTime: new Date(t0).toISOString() },
      }),
    );
    const polls: RunPoll[] = [];
    const observer: RunObserver = {
      onPoll: (_ref, poll) => polls.push(poll),
      knownLastSuccessAtMs: () => undefined,
    };
    const reconcile = () => d.reconcile({ runs: { observer } });
    const flowId = (await d.converge()).status.flow?.id as string;
    await env.control('POST', 'runs', {
      flowId,
      outcomes: [
        { status: 'partialSuccess', inputRecordCount: 100, failedRecordCount: 7 },
        { status: 'success', shape: 'stateOnly', inputRecordCount: 50 },
        { status: 'success', queuedMs: 5 * MIN, inputRecordCount: 10 },
      ],
    });
    const at = async (ms: number) => env.advance(ms - env.now().getTime());

    await at(t0 + 2 * MIN);
    const partial = await reconcile();
    expect(condition(partial, 'Healthy')).toMatchObject({
      status: 'True',
      reason: CONDITION_REASONS.RunPartiallySucceeded,
    });
    expect(condition(partial, 'Healthy')?.message).toContain('100 records read, 93 written, 7 failed');
    expect(condition(partial, 'Healthy')?.message).toContain('MAPPER-3700-400');
    expect(partial.status.lastRun).toMatchObject({
      status: 'partialSuccess',
      recordsRead: 100,
      recordsWritten: 93,
      recordsFailed: 7,
    });

    await at(t0 + 17 * MIN);
    const stateOnly = await reconcile();
    expect(condition(stateOnly, 'Healthy')).toMatchObject({
      status: 'True',
      reason: CONDITION_REASONS.RunSucceeded,
    });
    expect(stateOnly.status.lastRun).toMatchObject({ status: 'success', recordsRead: 50 });

    await at(t0 + 32 * MIN); // the third run was created at +30 and is still queued
    const queued = await reconcile();
    expect(queued.status.lastRun?.id).toBe(stateOnly.status.lastRun?.id);
    await at(t0 + 37 * MIN); // started at +35, finished at +36
    const done = await reconcile();
    expect(done.status.lastRun).toMatchObject({ status: 'success', recordsRead: 10 });

    // Each run counted once, with its own outcome.
    const counted = polls.flatMap((p) => p.accounted);
    expect(counted.map((r) => r.status)).toEqual(['partialSuccess', 'success', 'success']);
    expect(new Set(counted.map((r) => r.id)).size).toBe(3);
  });
});
