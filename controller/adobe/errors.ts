/** Maps the Flow Service client's errors onto the engine's port error model. */
import {
  FlowServiceErrorMessage,
  isFlowServiceError,
  type FlowServiceErrorKind,
} from '../flowservice/index.js';
import { PortError, type PortErrorKind } from '../reconcile/ports.js';
import { portKindByCode } from './codes.js';

const KIND: Record<FlowServiceErrorKind, PortErrorKind> = {
  validation: 'Validation',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  'not-found': 'NotFound',
  'precondition-failed': 'Conflict',
  'rate-limited': 'Throttled',
  server: 'Unavailable',
  network: 'Network',
  timeout: 'Network',
  aborted: 'Network',
  // A 2xx body of an unexpected shape: likely a transient gateway hiccup; retry with backoff.
  'invalid-response': 'Unavailable',
};

/**
 * A PortError for anything a client call threw. The message keeps Adobe's code and message but
 * drops the request id, so repeated identical failures give identical conditions (no churn).
 */
export function toPortError(err: unknown): PortError {
  if (err instanceof PortError) return err;
  if (!isFlowServiceError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new PortError('Network', message, { cause: err });
  }
  const where = [err.status === undefined ? undefined : `HTTP ${err.status}`, err.adobeCode].filter(Boolean);
  let message = `${err.operation}: ${FlowServiceErrorMessage[err.kind]}`;
  if (where.length > 0) message += ` (${where.join(' ')})`;
  if (err.adobeMessage) message += `: ${err.adobeMessage}`;
  return new PortError(portKindByCode(err) ?? KIND[err.kind], message, {
    ...(err.status !== undefined ? { status: err.status } : {}),
    ...(err.adobeShortCode !== undefined ? { code: err.adobeShortCode } : {}),
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    cause: err,
  });
}

/** Runs `fn`, mapping failures to PortError. */
export async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toPortError(err);
  }
}

/** Runs a read: a 404 answers null, other failures become PortError. */
export async function orNull<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    const e = toPortError(err);
    if (e.kind === 'NotFound') return null;
    throw e;
  }
}
