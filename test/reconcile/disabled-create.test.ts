/**
 * `enabled: false` never lets a run start. Adobe creates flows enabled (a create may not carry a
 * state, 1410), so the controller creates such a flow with a start time no run can be due before
 * (parked) and disables it; only once Adobe has settled on `disabled` does it patch in the real
 * start. The schedules here are due at once: any run the flow ever had would show up.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AdobePort } from '../../controller/reconcile/ports.js';
import { chainOf, Driver, Env, isReady, makeSpec, TRANSITION_MS } from './harness.js';

const MIN = 60_000;

describe('a dataflow created with enabled: false', () => {
  let env: Env;
  beforeAll(async () => {
    env = await Env.start();
  });
  afterAll(async () => env.close());

  it('never runs, though its schedule is due at once (no startTime, and one in the past)', async () => {
    for (const startTime of [undefined, new Date(env.now().getTime() - 3_600_000).toISOString()]) {
      const d = new Driver(
        env,
        makeSpec(env, {
          enabled: false,
          schedule: { frequency: 'minute', interval: 15, ...(startTime ? { startTime } : {}) },
        }),
      );
      const first = await d.reconcile();
      const flowId = first.status.flow?.id as string;
      // Created parked, then disabled: still `disabling` in Adobe, so not Ready yet.
      // No run started, though one was due the moment the flow existed.
      expect(await countRuns(env, flowId)).toBe(0);
      const created = (await chainOf(env, first.status)).flow;
      // Parked: no run can be due for decades (2100-01-01, PARKED_START_TIME in the plan).
      expect(Number(created?.doc.scheduleParams.startTime)).toBe(4_102_444_800);
      expect(created?.state).toBe('disabling');
      expect(isReady(first)).toBe(false);
      const done = await d.converge();
      const flow = (await chainOf(env, done.status)).flow;
      expect(flow?.state).toBe('disabled');
      // The real schedule is in place once the disable has landed.
      const want = startTime ? Math.floor(Date.parse(startTime) / 1000) : undefined;
      const stored = Number(flow?.doc.scheduleParams.startTime);
      if (want !== undefined) expect(stored).toBe(want);
      else expect(stored).toBeLessThanOrEqual(Math.ceil(env.now().getTime() / 1000));
      await env.advance(3 * 15 * MIN);
      expect(await countRuns(env, flowId)).toBe(0);
      // Enabled later, it runs on its schedule.
      d.setSpec((s) => ({ ...s, enabled: true }));
      await d.converge();
      await env.advance(MIN);
      expect(await countRuns(env, flowId)).toBeGreaterThan(0);
    }
  });

  it('never runs when the process dies between the create and the disable', async () => {
    const d = new Driver(
      env,
      makeSpec(env, { enabled: false, schedule: { frequency: 'minute', interval: 15 } }),
    );
    let dead = false;
    d.wrapPort = (port: AdobePort): AdobePort => ({
      ...port,
      setFlowEnabled: async (...args) => {
        if (!dead) {
          dead = true;
          throw new Error('process killed before the disable');
        }
        return port.setFlowEnabled(...args);
      },
    });
    const crashed = await d.reconcile();
    expect(crashed.error).toBeDefined();
    const flowId = crashed.status.flow?.id as string;
    // Still enabled in Adobe, but parked: nothing is due for decades.
    await env.advance(2 * 15 * MIN);
    expect(await countRuns(env, flowId)).toBe(0);
    const done = await d.converge();
    expect((await chainOf(env, done.status)).flow?.state).toBe('disabled');
    await env.advance(2 * 15 * MIN + TRANSITION_MS);
    expect(await countRuns(env, flowId)).toBe(0);
  });
});

/** Every run the simulator ever produced for a flow. */
async function countRuns(env: Env, flowId: string): Promise<number> {
  return ((await env.control('GET', `flows/${flowId}/runs`)).body as { count: number }).count;
}
