/**
 * Schedule changes patch the flow in place with JSON Patch as RFC 6902 requires: `add` a key the
 * flow lacks, `remove` one the new schedule has none of, `replace` (always with a value) the rest.
 * Moving to `once` drops interval and backfill (the flow spec forbids them with once); moving away
 * adds interval back. Every ordered pair of frequencies, both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataflowSpec } from '../../controller/reconcile/types.js';
import { chainOf, condition, Driver, Env, isReady, isSynced, leakedSecrets, makeSpec } from './harness.js';

type Schedule = DataflowSpec['schedule'];

const SCHEDULES: Record<string, Schedule> = {
  once: { frequency: 'once' },
  minute: { frequency: 'minute', interval: 15 },
  hour: { frequency: 'hour', interval: 2 },
  day: { frequency: 'day', interval: 1 },
  week: { frequency: 'week', interval: 3 },
};
const START = '2031-01-01T00:00:00Z';

const PAIRS = Object.keys(SCHEDULES).flatMap((from) =>
  Object.keys(SCHEDULES)
    .filter((to) => to !== from)
    .map((to) => [from, to] as const),
);

describe('schedule changes between every pair of frequencies', () => {
  let env: Env;
  beforeAll(async () => {
    env = await Env.start();
  });
  afterAll(async () => env.close());

  it('covers all 20 ordered pairs', () => {
    expect(PAIRS).toHaveLength(20);
  });

  it.each(PAIRS)('patches %s → %s in place and ends in sync', async (from, to) => {
    const d = new Driver(env, makeSpec(env, { schedule: { ...SCHEDULES[from]!, startTime: START } }));
    const before = await d.converge();
    d.setSpec((s) => ({ ...s, schedule: { ...SCHEDULES[to]!, startTime: START } }));
    const res = await d.reconcile();
    expect({ pair: `${from}→${to}`, synced: condition(res, 'Synced')?.reason }).toEqual({
      pair: `${from}→${to}`,
      synced: 'ReconcileSuccess',
    });
    expect(isReady(res) && isSynced(res)).toBe(true);
    expect(res.status.flow?.id).toBe(before.status.flow?.id);
    const stored = (await chainOf(env, res.status)).flow?.doc.scheduleParams;
    const want = SCHEDULES[to]!;
    expect(stored.frequency).toBe(want.frequency);
    if (want.frequency === 'once') {
      expect(stored.interval).toBeUndefined();
      expect(stored.backfill).toBeUndefined();
    } else expect(stored.interval).toBe(String(want.interval));
    // Nothing left to change: the next reconcile writes nothing.
    const again = await d.reconcile();
    expect(again.plan).toEqual([]);
  });

  it('leaks no secret', () => {
    expect(leakedSecrets()).toEqual([]);
  });
});
