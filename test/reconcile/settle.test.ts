/**
 * While Adobe is still settling, the engine looks again soon, then less and less often: a flow
 * stuck in a transitional state must not be polled every second for as long as it lasts.
 */
import { describe, expect, it } from '@jest/globals';
import {
  settleRecheck,
  SETTLE_RECHECK_MAX_MS,
  SETTLE_RECHECK_MS,
} from '../../controller/reconcile/settle.js';
import type { DataflowStatus } from '../../controller/reconcile/types.js';
import { adobeCalls, chainOf, Driver, isReady, isSynced, makeSpec, useEnv } from './harness.js';

describe('settle recheck delay', () => {
  it('starts at 1 s, grows with how long settling has lasted, and caps at 5 min', () => {
    const status: DataflowStatus = {};
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    expect(settleRecheck(status, new Date(t0))).toBe(SETTLE_RECHECK_MS);
    expect(status.settlingSince).toBe('2026-01-01T00:00:00.000Z');
    expect(settleRecheck(status, new Date(t0 + 1_000))).toBe(1_000);
    expect(settleRecheck(status, new Date(t0 + 2_000))).toBe(2_000);
    expect(settleRecheck(status, new Date(t0 + 4_000))).toBe(4_000);
    expect(settleRecheck(status, new Date(t0 + 3_600_000))).toBe(SETTLE_RECHECK_MAX_MS);
  });

  it('starts over when the recorded start is unreadable or in the future (a clock step back)', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(settleRecheck({ settlingSince: 'garbage' }, now)).toBe(SETTLE_RECHECK_MS);
    const future: DataflowStatus = { settlingSince: '2027-01-01T00:00:00Z' };
    expect(settleRecheck(future, now)).toBe(SETTLE_RECHECK_MS);
    expect(future.settlingSince).toBe(now.toISOString());
  });
});

describe('a flow that stays in transition', () => {
  const env = useEnv();

  it('is rechecked about log2(duration) times, not once a second, and is Ready when it lands', async () => {
    const disableMs = 10 * 60_000;
    const d = new Driver(env, makeSpec(env, { enabled: true }));
    await d.converge();
    await env.settings({ times: { flowDisableMs: disableMs } });
    d.setSpec((s) => ({ ...s, enabled: false }));
    const started = env.now().getTime();
    let res = await d.reconcile();
    expect((await chainOf(env, res.status)).flow?.state).toBe('disabling');
    await env.resetRequests();
    const delays: number[] = [];
    while (res.action.requeueAfterMs !== null && delays.length < 40) {
      expect(isReady(res)).toBe(false);
      expect(res.status.settlingSince).toBeDefined();
      delays.push(res.action.requeueAfterMs);
      await env.advance(res.action.requeueAfterMs);
      res = await d.reconcile();
    }
    // 1 s, 1 s, 2 s, 4 s, … each wait as long as settling has lasted: ~11 looks in 10 minutes.
    expect(delays.slice(0, 4)).toEqual([1_000, 1_000, 2_000, 4_000]);
    expect(delays.length).toBeLessThanOrEqual(Math.ceil(Math.log2(disableMs / 1_000)) + 2);
    expect(env.now().getTime() - started).toBeGreaterThanOrEqual(disableMs);
    expect(isReady(res) && isSynced(res)).toBe(true);
    expect(res.status.settlingSince).toBeUndefined();
    // Each look reads; none writes (the disable was sent once, before the counters were reset).
    expect(adobeCalls(await env.requests()).writes).toBe(0);
  });
});
