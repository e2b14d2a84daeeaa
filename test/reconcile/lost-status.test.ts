/**
 * Restart with lost status: the CR comes back with an empty status (restored from a backup,
 * recreated by GitOps with the same uid, or a status write that never landed), so the engine finds
 * the existing chain by name and adopts it. Enable/disable must follow the adopted flow's real
 * state: Adobe answers 1422 to disabling a disabled flow (or enabling an enabled one).
 */
import { describe, expect, it } from '@jest/globals';
import { EVENT_REASONS } from '../../controller/reconcile/index.js';
import type { AdobePort } from '../../controller/reconcile/ports.js';
import { chainOf, Driver, isReady, isSynced, makeSpec, useEnv } from './harness.js';

/** Counts setFlowEnabled calls made through the port. */
function countToggles(d: Driver): { enable: number; disable: number } {
  const counts = { enable: 0, disable: 0 };
  d.wrapPort = (port) =>
    new Proxy(port, {
      get: (target, prop) => {
        const value = target[prop as keyof AdobePort];
        if (prop !== 'setFlowEnabled') return value;
        return (id: string, enabled: boolean) => {
          counts[enabled ? 'enable' : 'disable']++;
          return target.setFlowEnabled(id, enabled);
        };
      },
    });
  return counts;
}

describe('restart with lost status', () => {
  const env = useEnv();

  /** Converges a CR with `enabledBefore`, empties its status, then sets `enabledAfter`. */
  async function loseStatus(enabledBefore: boolean, enabledAfter: boolean) {
    const d = new Driver(env, makeSpec(env, { enabled: enabledBefore }));
    const before = (await d.converge()).status;
    expect(before.flow?.state).toBe(enabledBefore ? 'enabled' : 'disabled');
    d.obj = { ...d.obj, status: {} };
    if (enabledAfter !== enabledBefore) d.setSpec((s) => ({ ...s, enabled: enabledAfter }));
    const toggles = countToggles(d);
    const res = await d.reconcile();
    return { d, before, res, toggles };
  }

  it('adopts a disabled flow of a disabled dataflow without sending disable again', async () => {
    const { before, res, toggles } = await loseStatus(false, false);
    expect(res.error).toBeUndefined();
    expect(isSynced(res) && isReady(res)).toBe(true);
    expect(res.status.flow?.id).toBe(before.flow?.id);
    expect(res.status.flow?.state).toBe('disabled');
    expect(toggles).toEqual({ enable: 0, disable: 0 });
    expect(res.events.map((e) => e.reason)).toContain(EVENT_REASONS.Adopted);
    expect((await chainOf(env, res.status)).flow?.state).toBe('disabled');
  });

  it('adopts an enabled flow of an enabled dataflow without sending enable again', async () => {
    const { before, res, toggles } = await loseStatus(true, true);
    expect(res.error).toBeUndefined();
    expect(isSynced(res) && isReady(res)).toBe(true);
    expect(res.status.flow?.id).toBe(before.flow?.id);
    expect(res.status.flow?.state).toBe('enabled');
    expect(toggles).toEqual({ enable: 0, disable: 0 });
    expect((await chainOf(env, res.status)).flow?.state).toBe('enabled');
  });

  it('enables an adopted disabled flow when the spec now says enabled', async () => {
    const { before, res, toggles } = await loseStatus(false, true);
    expect(res.error).toBeUndefined();
    // Synced, and not Ready until Adobe's transition lands (the engine looks again shortly).
    expect(isSynced(res) && !isReady(res)).toBe(true);
    expect(res.action.requeueAfterMs).not.toBeNull();
    expect(res.status.flow?.id).toBe(before.flow?.id);
    expect(toggles).toEqual({ enable: 1, disable: 0 });
    expect((await chainOf(env, res.status)).flow?.state).toBe('enabled-finalizing');
    await env.settle();
    expect((await chainOf(env, res.status)).flow?.state).toBe('enabled');
  });

  it('disables an adopted enabled flow when the spec now says disabled', async () => {
    const { before, res, toggles } = await loseStatus(true, false);
    expect(res.error).toBeUndefined();
    // Synced, and not Ready until Adobe's transition lands (the engine looks again shortly).
    expect(isSynced(res) && !isReady(res)).toBe(true);
    expect(res.action.requeueAfterMs).not.toBeNull();
    expect(res.status.flow?.id).toBe(before.flow?.id);
    expect(toggles).toEqual({ enable: 0, disable: 1 });
    expect((await chainOf(env, res.status)).flow?.state).toBe('disabling');
    await env.settle();
    expect((await chainOf(env, res.status)).flow?.state).toBe('disabled');
  });
});
