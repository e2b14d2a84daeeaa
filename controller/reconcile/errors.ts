/** The engine's failure type and the one place that classifies port errors into outcomes. */
import { CONDITION_REASONS, type ConditionReason } from './conditions.js';
import type { MissingSecret } from './desired.js';
import { PortError } from './ports.js';

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

/** How a failure affects the next step. */
export const FAILURE_KINDS = {
  /** Retrying cannot help until the spec or a Secret changes. */
  Terminal: 'Terminal',
  /** Credentials were refused; retry after a long delay. */
  Credentials: 'Credentials',
  /** Adobe asked us to slow down. */
  Throttled: 'Throttled',
  /** Retry with exponential backoff. */
  Transient: 'Transient',
  /** Our view of Adobe is stale (412, or a 404 on write): re-observe and retry at once. */
  Stale: 'Stale',
} as const;

/** One failure kind. */
export type FailureKind = (typeof FAILURE_KINDS)[keyof typeof FAILURE_KINDS];

/** A classified failure, ready to become a condition and an action. */
export class ReconcileFailure extends Error {
  override readonly name = 'ReconcileFailure';
  constructor(
    readonly kind: FailureKind,
    readonly reason: ConditionReason,
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Maps anything thrown while acting to a ReconcileFailure. */
export function classify(err: unknown): ReconcileFailure {
  if (err instanceof ReconcileFailure) return err;
  if (err instanceof PortError) {
    const detail = err.message;
    switch (err.kind) {
      case 'Validation':
        return new ReconcileFailure(
          'Terminal',
          CONDITION_REASONS.ValidationFailed,
          ENGINE_MESSAGES.terminal(detail),
          undefined,
          { cause: err },
        );
      case 'Unauthorized':
      case 'Forbidden':
        return new ReconcileFailure(
          'Credentials',
          CONDITION_REASONS.PlatformCredentialsRejected,
          ENGINE_MESSAGES.platformRejected(detail),
          undefined,
          { cause: err },
        );
      case 'Throttled':
        return new ReconcileFailure(
          'Throttled',
          CONDITION_REASONS.Throttled,
          ENGINE_MESSAGES.throttled(err.details.retryAfterMs ?? 0),
          err.details.retryAfterMs,
          { cause: err },
        );
      case 'Conflict':
      case 'NotFound':
        return new ReconcileFailure(
          'Stale',
          CONDITION_REASONS.ReconcileError,
          ENGINE_MESSAGES.transient(detail),
          undefined,
          { cause: err },
        );
      case 'Busy':
        return new ReconcileFailure(
          'Transient',
          CONDITION_REASONS.AdobeBusy,
          ENGINE_MESSAGES.busy(detail),
          undefined,
          { cause: err },
        );
      case 'Unsupported':
        return new ReconcileFailure(
          'Terminal',
          CONDITION_REASONS.ValidationFailed,
          ENGINE_MESSAGES.terminal(detail),
          undefined,
          { cause: err },
        );
      case 'Unavailable':
      case 'Network':
        return new ReconcileFailure(
          'Transient',
          CONDITION_REASONS.ReconcileError,
          ENGINE_MESSAGES.transient(detail),
          undefined,
          { cause: err },
        );
    }
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new ReconcileFailure(
    'Transient',
    CONDITION_REASONS.ReconcileError,
    ENGINE_MESSAGES.transient(detail),
    undefined,
    { cause: err },
  );
}
