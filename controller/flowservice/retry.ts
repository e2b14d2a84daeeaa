/** Retry policy: which failures are retried, and how long to wait. Pure (random is injected). */
import type { FlowServiceError } from './errors.js';

/** Backoff settings; see RetrySettingsSchema in config.ts for the defaults. */
export interface BackoffPolicy {
  /** Retries after the first attempt (0 = never retry). */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer Retry-After is not slept on: the error surfaces to the caller. */
  maxRetryAfterMs: number;
}

/** `retry` with a delay, or `stop`. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * Exponential backoff with full jitter: uniform in [0, min(maxDelayMs, baseDelayMs * 2^retry)].
 * `retry` counts from 0 for the first retry.
 */
export function fullJitterDelayMs(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * ceiling);
}

/**
 * Decides whether to try again after `error` on retry number `retry` (0-based).
 *
 * Non-idempotent requests (POST creates, flow actions) are retried only when the server surely did
 * not act on them: the connection was never made (`notSent`) or it answered 429. Any other failure
 * of a create surfaces (still marked retryable): the engine re-observes by deterministic name and
 * adopts what a lost response created, instead of this layer creating a duplicate.
 */
export function decideRetry(
  error: FlowServiceError,
  retry: number,
  policy: BackoffPolicy,
  idempotent: boolean,
  random: () => number = Math.random,
): RetryDecision {
  if (!error.retryable || retry >= policy.maxRetries) return { retry: false };
  if (!idempotent && !error.notSent && error.kind !== 'rate-limited') return { retry: false };
  if (error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > policy.maxRetryAfterMs) return { retry: false };
    // Honour Retry-After as a floor; a little jitter on top keeps many waiters from re-colliding.
    return {
      retry: true,
      delayMs: error.retryAfterMs + Math.floor(random() * Math.min(250, error.retryAfterMs / 10 + 1)),
    };
  }
  return { retry: true, delayMs: fullJitterDelayMs(retry, policy, random) };
}
