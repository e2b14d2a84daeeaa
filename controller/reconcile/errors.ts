/**
 * The one error type that crosses the engine boundary. Everything a reconcile throws is a
 * `ReconcileError`: the Adobe adapter builds it from the client's error (adobe/errors.ts), the
 * engine builds the rest (missing Secrets, Mixpanel refusals, a failed status write), and
 * `errorPolicy` (error-policy.ts) turns it into the next Action. Its message is written into the
 * Synced condition, so it never contains a secret.
 */
import { CONDITION_REASONS, type ConditionReason } from './conditions.js';
import type { MissingSecret } from './desired.js';

/** Messages the engine writes into conditions and events (never containing a secret value). */
export const ENGINE_MESSAGES = {
  secretNotFound: (secret: string) => `Secret "${secret}" was not found in the resource's namespace.`,
  secretKeyMissing: (secret: string, key: string) => `Secret "${secret}" has no value for key "${key}".`,
  secretValueInvalid: (secret: string, key: string, problem: string) =>
    `Secret "${secret}" has an unusable value for key "${key}": ${problem}.`,
  paused: 'Reconciliation is paused by the aepflows.io/paused annotation; Adobe is observed but not changed.',
  pausedDeletion:
    'Deletion waits: reconciliation is paused by the aepflows.io/paused annotation. Remove it to delete the Adobe chain, or set deletionPolicy: Orphan to keep the chain.',
  platformRejected: (detail: string) => `Adobe rejected the platform credentials: ${detail}`,
  mixpanelRejected: (detail: string) => `Mixpanel rejected the service account credentials: ${detail}`,
  projectNotFound: (projectId: string, detail: string) =>
    `Mixpanel project "${projectId}" cannot be read with this timezone: ${detail}`,
  terminal: (detail: string) => `Adobe rejected the request; fix the spec or Secret to retry: ${detail}`,
  transient: (detail: string) => `Adobe call failed, retrying with backoff: ${detail}`,
  throttled: (ms: number) => `Adobe throttled the request (429); retry after ${Math.ceil(ms / 1000)}s.`,
  busy: (detail: string) => `Adobe is finishing an earlier change; retrying shortly: ${detail}`,
  mixpanelRequestRejected: (detail: string) =>
    `Mixpanel rejected the request (neither the credentials nor the project, as far as Adobe says); retrying with backoff: ${detail}`,
  statusWriteFailed: (detail: string) =>
    `Writing status to the Kubernetes API failed, retrying with backoff: ${detail}`,
  unexpected: (detail: string) => `Reconcile failed unexpectedly, retrying with backoff: ${detail}`,
  deletionsPending: (count: number, max: number) =>
    `${count} replaced Adobe resources wait for deletion (at most ${max} are tracked); ` +
    'further replacements wait until they are deleted. See the events for why deletion fails.',
  startTimeLocked:
    'The flow has started; Adobe no longer allows changing schedule.startTime, so it is left as is.',
  outOfSync: 'The dataflow chain does not match the spec yet.',
  transitioning: 'Adobe is still enabling or disabling the flow; checking again shortly.',
  creating: 'The dataflow chain is being created.',
  deleting: 'The dataflow chain is being deleted.',
  cannotDelete: (detail: string) => `Cannot delete the Adobe chain: ${detail}`,
  mappingSetKept: (id: string) => `Mapping set ${id} is kept: Data Prep offers no delete.`,
} as const;

/** The Synced reason and message for a Secret, key or value that blocks the chain. */
export function missingSecretCondition(missing: MissingSecret): { reason: ConditionReason; message: string } {
  const { secret, key, problem } = missing;
  if (key && problem)
    return {
      reason: CONDITION_REASONS.SecretValueInvalid,
      message: ENGINE_MESSAGES.secretValueInvalid(secret, key, problem),
    };
  if (key)
    return {
      reason: CONDITION_REASONS.SecretKeyMissing,
      message: ENGINE_MESSAGES.secretKeyMissing(secret, key),
    };
  return { reason: CONDITION_REASONS.SecretNotFound, message: ENGINE_MESSAGES.secretNotFound(secret) };
}

/** What a failure means for the next attempt; `errorPolicy` switches on it. */
export const RECONCILE_ERROR_KINDS = {
  /** Retrying cannot help until the spec or a Secret changes: wait for a change. */
  Terminal: 'Terminal',
  /**
   * Adobe refuses the operation itself for this org (1445 "PATCH Connection Feature not enabled"):
   * the engine takes another documented way where there is one; otherwise terminal.
   */
  Unsupported: 'Unsupported',
  /** Credentials were refused (Adobe or Mixpanel): retry after a long delay. */
  Credentials: 'Credentials',
  /** A referenced Secret or key is missing: retry after a long delay (its watch usually wins). */
  MissingSecret: 'MissingSecret',
  /** Adobe asked us to slow down: retry after `retryAfterMs`. */
  Throttled: 'Throttled',
  /**
   * Adobe is finishing a transition (delete-finalizing, enabled-finalizing, disabling, inProgress,
   * updating): the same request succeeds later; retry with backoff, never terminal.
   */
  Busy: 'Busy',
  /** Retry with exponential backoff (5xx, network, a failed status write). */
  Transient: 'Transient',
  /** Our view of Adobe is stale (412, or a 404 on write): re-observe; backoff once passes run out. */
  Stale: 'Stale',
} as const;

/** One error kind. */
export type ReconcileErrorKind = (typeof RECONCILE_ERROR_KINDS)[keyof typeof RECONCILE_ERROR_KINDS];

/** How long to wait after a 429 that carried no Retry-After (then the message states this). */
export const THROTTLE_DEFAULT_MS = 10_000;

/** What a ReconcileError is made of. */
export interface ReconcileErrorInit {
  kind: ReconcileErrorKind;
  /** The Synced condition's reason while this error stands. */
  reason: ConditionReason;
  /** The Synced condition's message: what failed and what to do; never a secret. */
  message: string;
  /** When the failure itself says how long to wait (Retry-After); honoured by `errorPolicy`. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A failed reconcile, classified: the only error type the engine throws. */
export class ReconcileError extends Error {
  override readonly name = 'ReconcileError';
  readonly kind: ReconcileErrorKind;
  readonly reason: ConditionReason;
  readonly retryAfterMs: number | undefined;

  constructor(init: ReconcileErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.reason = init.reason;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** `err` itself when it is a ReconcileError; otherwise a Transient one with `message(detail)`. */
function transientFrom(err: unknown, message: (detail: string) => string): ReconcileError {
  if (err instanceof ReconcileError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new ReconcileError({
    kind: 'Transient',
    reason: CONDITION_REASONS.ReconcileError,
    message: message(detail),
    cause: err,
  });
}

/**
 * `err` as a ReconcileError. Anything else is a defect of ours (a ReconcileError is expected from
 * every collaborator), reported as such and retried with backoff; it is never labelled as Adobe's.
 */
export const asReconcileError = (err: unknown): ReconcileError =>
  transientFrom(err, ENGINE_MESSAGES.unexpected);

/** The error for a status write the runtime could not persist (the Kubernetes API, not Adobe). */
export const statusWriteFailed = (err: unknown): ReconcileError =>
  transientFrom(err, ENGINE_MESSAGES.statusWriteFailed);
