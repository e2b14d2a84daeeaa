import { describe, expect, it } from '@jest/globals';
import {
  Action,
  backoffDelay,
  classify,
  CONDITION_REASONS,
  ENGINE_DEFAULTS,
  isTerminalReason,
  PORT_ERROR_KINDS,
  PortError,
  reconcile,
  setCondition,
  type DataflowObject,
} from '../../controller/reconcile/index.js';
import { addRetired, MAX_RETIRED } from '../../controller/reconcile/act-context.js';
import { readyAvailable, readyNot, syncedFailure } from '../../controller/reconcile/conditions.js';

const T1 = new Date('2027-01-01T00:00:00Z');
const T2 = new Date('2027-01-02T00:00:00Z');

describe('conditions', () => {
  it('setting an unchanged condition is a no-op that keeps the same array', () => {
    const once = setCondition([], readyAvailable(1), T1);
    expect(setCondition(once, readyAvailable(1), T2)).toBe(once);
  });

  it('changes lastTransitionTime only when the status changes', () => {
    const failing = setCondition([], syncedFailure(1, CONDITION_REASONS.ReconcileError, 'a'), T1);
    const stillFailing = setCondition(failing, syncedFailure(1, CONDITION_REASONS.Throttled, 'b'), T2);
    expect(stillFailing[0]).toMatchObject({
      reason: CONDITION_REASONS.Throttled,
      lastTransitionTime: T1.toISOString(),
    });
    const ready = setCondition([], readyNot(1, CONDITION_REASONS.Creating, 'x'), T1);
    expect(setCondition(ready, readyAvailable(1), T2)[0]?.lastTransitionTime).toBe(T2.toISOString());
  });

  it('bounds message length so status stays small', () => {
    const long = syncedFailure(1, CONDITION_REASONS.ReconcileError, 'x'.repeat(10_000));
    expect(long.message.length).toBeLessThanOrEqual(512);
  });

  it('keeps pending deletions deduplicated and bounded by the schema limit', () => {
    let list = addRetired(undefined, { kind: 'flow', id: 'f0' });
    list = addRetired(list, { kind: 'flow', id: 'f0' });
    expect(list).toHaveLength(1);
    for (let i = 1; i < 40; i++) list = addRetired(list, { kind: 'flow', id: `f${i}` });
    expect(list).toHaveLength(MAX_RETIRED);
    expect(list.at(-1)?.id).toBe('f39');
  });

  it('counts as terminal exactly the reasons of failures the engine does not retry with backoff', async () => {
    for (const kind of PORT_ERROR_KINDS) {
      const f = classify(new PortError(kind, 'refused'));
      expect({ kind, terminal: isTerminalReason(f.reason) }).toEqual({
        kind,
        terminal: f.kind === 'Terminal' || f.kind === 'Credentials',
      });
    }
    const object = {
      uid: 'u',
      namespace: 'analytics',
      name: 'purchases',
      generation: 1,
      spec: { platform: { sandbox: 'prod', credentialsSecretRef: { name: 'aep' } } },
    } as unknown as DataflowObject;
    const res = await reconcile(
      { object, secrets: {} },
      {
        connect: () => {
          throw new Error('no Adobe call without the Secret');
        },
      },
    );
    expect(res.error?.reason).toBe(CONDITION_REASONS.SecretNotFound);
    expect(isTerminalReason(res.error!.reason)).toBe(true);
    expect(isTerminalReason(CONDITION_REASONS.ReconcileError)).toBe(false);
  });

  it('uses CamelCase reasons', () => {
    for (const r of Object.values(CONDITION_REASONS)) expect(r).toMatch(/^[A-Z][A-Za-z]+$/);
  });
});

describe('actions and backoff', () => {
  it('has exactly two constructors: requeue and awaitChange', () => {
    expect(Action.requeue(1500).requeueAfterMs).toBe(1500);
    expect(Action.awaitChange().requeueAfterMs).toBeNull();
  });

  it('doubles per failure, caps at the maximum and jitters into [½, 1]', () => {
    const opts = { ...ENGINE_DEFAULTS, backoffBaseMs: 100, backoffMaxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 50].map((f) => backoffDelay(f, opts, () => 1))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    expect(backoffDelay(2, opts, () => 0)).toBe(200);
  });
});
