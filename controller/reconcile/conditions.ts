/** Condition types, stable reasons and constructors for the MixpanelDataflow status. */
import { CONDITION_TYPES } from '../api/index.js';
import type { Condition } from './types.js';

/** Condition types (from the API). The engine sets Ready and Synced; run monitoring sets Healthy. */
export { CONDITION_TYPES };

/** Stable CamelCase reasons used in conditions. */
export const CONDITION_REASONS = {
  // Synced
  ReconcileSuccess: 'ReconcileSuccess',
  ReconcileError: 'ReconcileError',
  ValidationFailed: 'ValidationFailed',
  PlatformCredentialsRejected: 'PlatformCredentialsRejected',
  MixpanelCredentialsRejected: 'MixpanelCredentialsRejected',
  MixpanelProjectNotFound: 'MixpanelProjectNotFound',
  SecretNotFound: 'SecretNotFound',
  SecretKeyMissing: 'SecretKeyMissing',
  SecretValueInvalid: 'SecretValueInvalid',
  ReconcilePaused: 'ReconcilePaused',
  Throttled: 'Throttled',
  /** Adobe is finishing a transition (delete-finalizing, disabling, updating, …): retried shortly. */
  AdobeBusy: 'AdobeBusy',
  /** Mixpanel refused the explore check for a reason that is neither credentials nor project. */
  MixpanelRequestRejected: 'MixpanelRequestRejected',
  StartTimeLocked: 'StartTimeLocked',
  /** Replacements wait until resources replaced earlier are deleted (status holds a bounded list). */
  DeletionsPending: 'DeletionsPending',
  // Ready
  Available: 'Available',
  Creating: 'Creating',
  OutOfSync: 'OutOfSync',
  Deleting: 'Deleting',
  // Healthy (run monitoring, runs.ts)
  RunSucceeded: 'RunSucceeded',
  /** The newest run finished with some records failed: data arrived, not all of it. */
  RunPartiallySucceeded: 'RunPartiallySucceeded',
  RunFailed: 'RunFailed',
  NoRunsYet: 'NoRunsYet',
  Stale: 'Stale',
} as const;

/** One condition reason. */
export type ConditionReason = (typeof CONDITION_REASONS)[keyof typeof CONDITION_REASONS];

/**
 * Synced=False reasons no retry can fix: a person must change the spec, a Secret, or the Adobe or
 * Mixpanel side. The engine does not retry ValidationFailed until the spec or a Secret changes; the
 * others it retries only on a long timer (a Secret may appear, access may be granted outside
 * Kubernetes), never with backoff. Argo CD shows them as Degraded (argocd/…/health.lua keeps the
 * same list; test/argocd/health.test.ts derives its expectations from this one).
 */
export const TERMINAL_REASONS = [
  CONDITION_REASONS.ValidationFailed,
  CONDITION_REASONS.PlatformCredentialsRejected,
  CONDITION_REASONS.MixpanelCredentialsRejected,
  CONDITION_REASONS.MixpanelProjectNotFound,
  CONDITION_REASONS.SecretNotFound,
  CONDITION_REASONS.SecretKeyMissing,
  CONDITION_REASONS.SecretValueInvalid,
] as const satisfies readonly ConditionReason[];

/** True when `reason` is one of TERMINAL_REASONS. */
export const isTerminalReason = (reason: string): boolean =>
  (TERMINAL_REASONS as readonly string[]).includes(reason);

/** Longest message kept in a condition; keeps status small. */
export const MAX_CONDITION_MESSAGE = 512;

/** A condition before it gets a transition time. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

function make(
  type: string,
  status: Condition['status'],
  reason: ConditionReason,
  message: string,
  gen: number,
): ConditionInput {
  const trimmed =
    message.length > MAX_CONDITION_MESSAGE ? `${message.slice(0, MAX_CONDITION_MESSAGE - 1)}…` : message;
  return { type, status, reason, message: trimmed, observedGeneration: gen };
}

/** Synced=True: the current generation is applied. */
export const syncedSuccess = (gen: number): ConditionInput =>
  make(
    CONDITION_TYPES.Synced,
    'True',
    CONDITION_REASONS.ReconcileSuccess,
    'The spec is applied to Adobe.',
    gen,
  );

/** Synced=False with a reason and a message (Adobe's message when it has one). */
export const syncedFailure = (gen: number, reason: ConditionReason, message: string): ConditionInput =>
  make(CONDITION_TYPES.Synced, 'False', reason, message, gen);

/** Ready=True: every link exists and matches. */
export const readyAvailable = (gen: number): ConditionInput =>
  make(
    CONDITION_TYPES.Ready,
    'True',
    CONDITION_REASONS.Available,
    'The dataflow chain exists and matches the spec.',
    gen,
  );

/** Ready=False with a reason. */
export const readyNot = (gen: number, reason: ConditionReason, message: string): ConditionInput =>
  make(CONDITION_TYPES.Ready, 'False', reason, message, gen);

/**
 * Sets `next` in `conditions`. Setting an unchanged condition is a no-op (the same array is
 * returned), and lastTransitionTime changes only when the condition's status changes.
 */
export function setCondition(conditions: readonly Condition[], next: ConditionInput, now: Date): Condition[] {
  const existing = conditions.find((c) => c.type === next.type);
  if (
    existing &&
    existing.status === next.status &&
    existing.reason === next.reason &&
    existing.message === next.message &&
    existing.observedGeneration === next.observedGeneration
  ) {
    return conditions as Condition[];
  }
  const lastTransitionTime =
    existing && existing.status === next.status ? existing.lastTransitionTime : now.toISOString();
  const updated: Condition = { ...next, lastTransitionTime };
  return existing ? conditions.map((c) => (c.type === next.type ? updated : c)) : [...conditions, updated];
}

/** Reads one condition by type. */
export function getCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
