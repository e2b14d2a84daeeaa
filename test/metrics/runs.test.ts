/** The pure run-accounting rules: which runs a poll accounts, and the Healthy condition they imply. */
import { describe, expect, it } from '@jest/globals';
import { runOutcome } from '../../controller/adobe/runs.js';
import {
  accountRuns,
  CONDITION_REASONS,
  healthCondition,
  runQuery,
  RUN_POLL_DEFAULTS,
  scheduleIntervalSeconds,
  type ObservedRun,
} from '../../controller/reconcile/index.js';

const run = (id: string, startMin: number, status: ObservedRun['status']): ObservedRun => ({
  id,
  status,
  startedAtMs: startMin * 60_000,
  ...(status !== 'inProgress' ? { completedAtMs: startMin * 60_000 + 30_000 } : {}),
  errors: [],
});
const iso = (min: number) => new Date(min * 60_000).toISOString();

describe('run accounting', () => {
  it('accounts finished runs oldest first and moves the cursor to the newest of them', () => {
    const acc = accountRuns(undefined, [
      run('c', 30, 'success'),
      run('b', 15, 'failed'),
      run('a', 0, 'success'),
    ]);
    expect(acc.accounted.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(acc.lastRun).toMatchObject({ id: 'c', status: 'success', startedAt: iso(30) });
  });

  it('never moves the cursor past a run still in progress, even when a newer one finished', () => {
    const acc = accountRuns(undefined, [
      run('c', 30, 'success'),
      run('b', 15, 'inProgress'),
      run('a', 0, 'failed'),
    ]);
    expect(acc.accounted.map((r) => r.id)).toEqual(['a']);
    expect(acc.lastRun?.id).toBe('a');
    expect(acc.newest?.id).toBe('c');
  });

  it('ignores the cursor run and anything before it, even if the server sent them', () => {
    const cursor = { id: 'b', status: 'success', startedAt: iso(15) };
    const acc = accountRuns(cursor, [
      run('a', 0, 'success'),
      run('b', 15, 'success'),
      run('c', 30, 'failed'),
    ]);
    expect(acc.accounted.map((r) => r.id)).toEqual(['c']);
  });

  it('asks for the newest runs without a cursor and for runs after it, oldest first, with one', () => {
    expect(runQuery(undefined, RUN_POLL_DEFAULTS)).toEqual({ limit: 100, order: 'newestFirst' });
    expect(runQuery({ id: 'b', startedAt: iso(15) }, RUN_POLL_DEFAULTS)).toEqual({
      startedAfterMs: 15 * 60_000,
      limit: 500,
      order: 'oldestFirst',
    });
  });

  it.each([
    ['success', true, 'success'],
    ['partialSuccess', true, 'partialSuccess'],
    ['partial_success', true, 'partialSuccess'],
    ['Failed', true, 'failed'],
    ['inProgress', false, 'inProgress'],
    ['scheduled', false, 'inProgress'],
    ['something-new', true, 'failed'],
  ] as const)('reads Adobe status %s (completed: %s) as %s', (status, completed, expected) => {
    expect(runOutcome(status, completed)).toBe(expected);
  });
});

describe('the Healthy condition', () => {
  const base = { generation: 3, nowMs: 60 * 60_000, intervalSeconds: 900 };

  it('keeps the Adobe error message of a failed run on later polls that account nothing', () => {
    const previous = { reason: CONDITION_REASONS.RunFailed, message: 'Run r failed: CONNECTOR-1001-500: x' };
    const h = healthCondition({
      ...base,
      lastRun: { id: 'r', status: 'failed', startedAt: iso(50) },
      previous,
    });
    expect(h).toMatchObject({ status: 'False', reason: 'RunFailed', message: previous.message });
  });

  it('does not go stale for a run-once flow or a disabled one', () => {
    const old = { id: 'r', status: 'success', startedAt: iso(0), completedAt: iso(1) };
    expect(healthCondition({ ...base, lastRun: old }).reason).toBe(CONDITION_REASONS.Stale);
    expect(healthCondition({ generation: 3, nowMs: base.nowMs, lastRun: old }).reason).toBe(
      CONDITION_REASONS.RunSucceeded,
    );
    expect(scheduleIntervalSeconds({ frequency: 'once' })).toBeUndefined();
    expect(scheduleIntervalSeconds({ frequency: 'day' })).toBe(86_400);
  });
});
