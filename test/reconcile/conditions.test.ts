import { describe, expect, it } from '@jest/globals';
import { detail, toReconcileError } from '../../controller/adobe/errors.js';
import { MAX_PENDING_DELETIONS, statusSchema } from '../../controller/api/index.js';
import { FlowServiceError, type FlowServiceErrorKind } from '../../controller/flowservice/index.js';
import {
  backoffDelay,
  CONDITION_REASONS,
  ENGINE_MESSAGES,
  ERROR_POLICY_DEFAULTS,
  errorPolicy,
  isTerminalReason,
  nopLogger,
  reconcile,
  RECONCILE_ERROR_KINDS,
  ReconcileError,
  setCondition,
  THROTTLE_DEFAULT_MS,
  type DataflowObject,
} from '../../controller/reconcile/index.js';
import { addRetired } from '../../controller/reconcile/act-context.js';
import { readyAvailable, readyNot, syncedFailure } from '../../controller/reconcile/conditions.js';
import { Action } from '../../controller/runtime/action.js';

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

  it('keeps pending deletions deduplicated, with the engine bound equal to the schema bound', () => {
    let list = addRetired(undefined, { kind: 'flow', id: 'f0' });
    list = addRetired(list, { kind: 'flow', id: 'f0' });
    expect(list).toHaveLength(1);
    for (let i = 1; i < 40; i++) list = addRetired(list, { kind: 'flow', id: `f${i}` });
    expect(list).toHaveLength(40); // never cut: the planner holds replacements back instead
    expect(statusSchema.properties?.['pendingDeletions']?.maxItems).toBe(MAX_PENDING_DELETIONS);
  });

  const KINDS = [
    'validation',
    'unauthorized',
    'forbidden',
    'not-found',
    'precondition-failed',
    'rate-limited',
    'server',
    'network',
    'timeout',
    'aborted',
    'invalid-response',
  ] as const satisfies readonly FlowServiceErrorKind[];

  it('counts as terminal exactly the reasons of failures the error policy does not back off', async () => {
    for (const kind of KINDS) {
      const e = toReconcileError(new FlowServiceError({ kind, operation: 'flows.get' }));
      const next = errorPolicy(e, 1);
      expect({ kind, terminal: isTerminalReason(e.reason) }).toEqual({
        kind,
        terminal: e.kind === 'Terminal' || e.kind === 'Credentials',
      });
      if (e.kind === 'Terminal') expect(next.requeueAfterMs).toBeNull();
    }
    const object = {
      uid: 'u',
      namespace: 'analytics',
      name: 'purchases',
      generation: 1,
      spec: { platform: { sandbox: 'prod', credentialsSecretRef: { name: 'aep' } } },
    } as unknown as DataflowObject;
    const failed = await reconcile(object, {
      secrets: {},
      writeStatus: async () => undefined,
      recordEvent: () => undefined,
      release: async () => undefined,
      connect: () => {
        throw new Error('no Adobe call without the Secret');
      },
    }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ReconcileError);
    expect((failed as ReconcileError).reason).toBe(CONDITION_REASONS.SecretNotFound);
    expect(isTerminalReason((failed as ReconcileError).reason)).toBe(true);
    expect(isTerminalReason(CONDITION_REASONS.ReconcileError)).toBe(false);
  });

  it('uses CamelCase reasons', () => {
    for (const r of Object.values(CONDITION_REASONS)) expect(r).toMatch(/^[A-Z][A-Za-z]+$/);
  });
});

describe('actions and the error policy', () => {
  const error = (kind: ReconcileError['kind'], retryAfterMs?: number) =>
    new ReconcileError({
      kind,
      reason: CONDITION_REASONS.ReconcileError,
      message: 'x',
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });

  it('has exactly two constructors: requeue and awaitChange', () => {
    expect(Action.requeue(1500).requeueAfterMs).toBe(1500);
    expect(Action.awaitChange().requeueAfterMs).toBeNull();
  });

  it('doubles per consecutive failure from the first, caps at the maximum and jitters into [½, 1]', () => {
    const opts = { ...ERROR_POLICY_DEFAULTS, backoffBaseMs: 100, backoffMaxMs: 1_000 };
    expect([1, 2, 3, 4, 5, 50].map((a) => backoffDelay(a, opts, () => 1))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    expect(backoffDelay(3, opts, () => 0)).toBe(200);
  });

  it.each([
    { reason: 'terminal waits for a change', e: error('Terminal'), want: null },
    {
      reason: 'an operation Adobe refuses for the org waits for a change',
      e: error('Unsupported'),
      want: null,
    },
    { reason: 'Adobe finishing a transition is waited out with backoff', e: error('Busy'), want: 1_000 },
    {
      reason: 'rejected credentials wait long',
      e: error('Credentials'),
      want: ERROR_POLICY_DEFAULTS.credentialsRetryMs,
    },
    {
      reason: 'a missing Secret waits long',
      e: error('MissingSecret'),
      want: ERROR_POLICY_DEFAULTS.missingSecretRetryMs,
    },
    { reason: 'Retry-After is honoured exactly', e: error('Throttled', 7_000), want: 7_000 },
    { reason: 'a 503 with Retry-After is honoured too', e: error('Transient', 2_000), want: 2_000 },
    { reason: 'transient errors back off from the base', e: error('Transient'), want: 1_000 },
    { reason: 'stale views back off too once passes run out', e: error('Stale'), want: 1_000 },
    {
      reason: 'a failure outside the engine backs off like client-go, from 5 ms',
      e: new Error('kube 500'),
      want: ERROR_POLICY_DEFAULTS.outsideBaseMs,
    },
  ])('$reason', ({ e, want }) => {
    expect(errorPolicy(e, 1, {}, () => 1).requeueAfterMs).toBe(want);
  });

  it('makes Adobe codes that mean "later" Busy and a refused PATCH Unsupported, in the adapter', () => {
    const coded = (adobeShortCode: string, adobeMessage = '') =>
      toReconcileError(
        new FlowServiceError({
          kind: 'validation',
          operation: 'connections.patch',
          adobeShortCode,
          adobeMessage,
        }),
      );
    expect(coded('1416')).toMatchObject({ kind: 'Busy', reason: CONDITION_REASONS.AdobeBusy });
    expect(coded('1422', 'state delete-finalizing')).toMatchObject({ kind: 'Busy' });
    expect(coded('1422', 'state enabled')).toMatchObject({ kind: 'Terminal' });
    expect(coded('1445')).toMatchObject({ kind: 'Unsupported', reason: CONDITION_REASONS.ValidationFailed });
    expect(coded('1445').message).toBe(
      ENGINE_MESSAGES.terminal(detail(coded('1445').cause as FlowServiceError)),
    );
  });

  it('covers every kind', () => {
    for (const kind of Object.values(RECONCILE_ERROR_KINDS))
      expect(errorPolicy(error(kind), 1)).toBeInstanceOf(Action);
  });

  it('says in the message the wait it will honour for a 429 without Retry-After', () => {
    const e = toReconcileError(
      new FlowServiceError({ kind: 'rate-limited', operation: 'flows.get', status: 429 }),
    );
    expect(e.message).toBe(ENGINE_MESSAGES.throttled(THROTTLE_DEFAULT_MS));
    expect(e.message).toContain(`${THROTTLE_DEFAULT_MS / 1000}s`);
    expect(errorPolicy(e, 1).requeueAfterMs).toBe(THROTTLE_DEFAULT_MS);
  });

  it('labels a failed status write as the Kubernetes API, not Adobe', async () => {
    const object = {
      uid: 'u',
      namespace: 'analytics',
      name: 'purchases',
      generation: 1,
      spec: {
        platform: { sandbox: 'prod', credentialsSecretRef: { name: 'aep' } },
        source: { credentialsSecretRef: { name: 'mp' } },
      },
    } as unknown as DataflowObject;
    const failed = await reconcile(object, {
      secrets: {},
      logger: nopLogger,
      writeStatus: () => Promise.reject(new Error('etcd is gone')),
      recordEvent: () => undefined,
      release: async () => undefined,
      connect: () => {
        throw new Error('not reached');
      },
    }).then(
      () => {
        throw new Error('expected the reconcile to fail');
      },
      (e: unknown) => e as ReconcileError,
    );
    expect(failed.message).toBe(ENGINE_MESSAGES.statusWriteFailed('etcd is gone'));
    expect(failed.message).not.toContain('Adobe');
    expect(errorPolicy(failed, 1, {}, () => 1).requeueAfterMs).toBe(1_000);
  });
});
