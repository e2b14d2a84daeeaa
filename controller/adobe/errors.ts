/**
 * The client's errors as the engine's one error type. The client classifies each HTTP failure once
 * (flowservice/errors.ts `kind`); these tables only say what each kind (and, for a validation
 * error, an Adobe code that means "later" or "not this way": codes.ts) means for a reconcile: its
 * `ReconcileError` kind, the condition reason and the message a user reads.
 */
import {
  FlowServiceErrorMessage,
  isFlowServiceError,
  type FlowServiceError,
  type FlowServiceErrorKind,
} from '../flowservice/index.js';
import {
  CONDITION_REASONS,
  ENGINE_MESSAGES,
  ReconcileError,
  THROTTLE_DEFAULT_MS,
  type ConditionReason,
  type ReconcileErrorKind,
} from '../reconcile/index.js';
import { kindByCode, type CodedKind } from './codes.js';

/** What an error means for a reconcile. */
interface Meaning {
  kind: ReconcileErrorKind;
  reason: ConditionReason;
  message: (detail: string) => string;
}

/** What a client error kind means for a reconcile. */
const MEANING: Record<FlowServiceErrorKind, Meaning> = {
  validation: {
    kind: 'Terminal',
    reason: CONDITION_REASONS.ValidationFailed,
    message: ENGINE_MESSAGES.terminal,
  },
  unauthorized: {
    kind: 'Credentials',
    reason: CONDITION_REASONS.PlatformCredentialsRejected,
    message: ENGINE_MESSAGES.platformRejected,
  },
  forbidden: {
    kind: 'Credentials',
    reason: CONDITION_REASONS.PlatformCredentialsRejected,
    message: ENGINE_MESSAGES.platformRejected,
  },
  // A 404 on a write, or a 412: our view of Adobe is stale; re-observe.
  'not-found': {
    kind: 'Stale',
    reason: CONDITION_REASONS.ReconcileError,
    message: ENGINE_MESSAGES.transient,
  },
  'precondition-failed': {
    kind: 'Stale',
    reason: CONDITION_REASONS.ReconcileError,
    message: ENGINE_MESSAGES.transient,
  },
  'rate-limited': {
    kind: 'Throttled',
    reason: CONDITION_REASONS.Throttled,
    message: ENGINE_MESSAGES.transient,
  },
  server: { kind: 'Transient', reason: CONDITION_REASONS.ReconcileError, message: ENGINE_MESSAGES.transient },
  network: {
    kind: 'Transient',
    reason: CONDITION_REASONS.ReconcileError,
    message: ENGINE_MESSAGES.transient,
  },
  timeout: {
    kind: 'Transient',
    reason: CONDITION_REASONS.ReconcileError,
    message: ENGINE_MESSAGES.transient,
  },
  aborted: {
    kind: 'Transient',
    reason: CONDITION_REASONS.ReconcileError,
    message: ENGINE_MESSAGES.transient,
  },
  // A 2xx body of an unexpected shape: likely a transient gateway hiccup; retry with backoff.
  'invalid-response': {
    kind: 'Transient',
    reason: CONDITION_REASONS.ReconcileError,
    message: ENGINE_MESSAGES.transient,
  },
};

/** Validation errors whose Adobe code says more than "rejected" (codes.ts). */
const CODE_MEANING: Record<CodedKind, Meaning> = {
  Busy: { kind: 'Busy', reason: CONDITION_REASONS.AdobeBusy, message: ENGINE_MESSAGES.busy },
  Unsupported: {
    kind: 'Unsupported',
    reason: CONDITION_REASONS.ValidationFailed,
    message: ENGINE_MESSAGES.terminal,
  },
};

/**
 * The detail a condition shows: Adobe's code and message without the request id, so repeated
 * identical failures give identical conditions (no status churn).
 */
export function detail(err: FlowServiceError): string {
  const where = [err.status === undefined ? undefined : `HTTP ${err.status}`, err.adobeCode].filter(Boolean);
  let message = `${err.operation}: ${FlowServiceErrorMessage[err.kind]}`;
  if (where.length > 0) message += ` (${where.join(' ')})`;
  if (err.adobeMessage) message += `: ${err.adobeMessage}`;
  return message;
}

/** A ReconcileError for anything a client call threw. */
export function toReconcileError(err: unknown): ReconcileError {
  if (err instanceof ReconcileError) return err;
  if (!isFlowServiceError(err)) {
    // The client throws only FlowServiceError; anything else failed before a request was made.
    const message = err instanceof Error ? err.message : String(err);
    return new ReconcileError({
      kind: 'Transient',
      reason: CONDITION_REASONS.ReconcileError,
      message: ENGINE_MESSAGES.transient(message),
      cause: err,
    });
  }
  const coded = kindByCode(err);
  const meaning = coded ? CODE_MEANING[coded] : MEANING[err.kind];
  if (meaning.kind === 'Throttled') {
    // The message states the wait the error policy will honour: Adobe's, or our default.
    const retryAfterMs = err.retryAfterMs ?? THROTTLE_DEFAULT_MS;
    return new ReconcileError({
      ...meaning,
      message: ENGINE_MESSAGES.throttled(retryAfterMs),
      retryAfterMs,
      cause: err,
    });
  }
  return new ReconcileError({
    kind: meaning.kind,
    reason: meaning.reason,
    message: meaning.message(detail(err)),
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    cause: err,
  });
}

/** Runs `fn`, turning failures into ReconcileError. */
export async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toReconcileError(err);
  }
}

/** Runs a read: a 404 answers null, other failures become ReconcileError. */
export async function orNull<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    if (isFlowServiceError(err) && err.kind === 'not-found') return null;
    throw toReconcileError(err);
  }
}
