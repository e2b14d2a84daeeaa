/**
 * Delays of the runtime's own retries, generic over nothing: the jittered backoff of the watch loop
 * (kube-rs `DefaultBackoff`) and the jitter that spreads periodic resyncs. How long a failed
 * reconcile waits is the error policy's choice (reconcile/error-policy.ts), not the runtime's.
 */

/** Jittered exponential backoff settings for reconnect loops. */
export interface JitterBackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Fraction of the delay that is random: delay·(1 − jitter·random). */
  jitter: number;
}

/** kube-rs `DefaultBackoff`: 800 ms doubling to 30 s, with jitter. */
export const WATCH_BACKOFF_DEFAULTS: Readonly<JitterBackoffOptions> = {
  initialMs: 800,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.5,
};

/** Pure: the delay before attempt number `failures` (1 = first retry). */
export function jitteredDelay(failures: number, opts: JitterBackoffOptions, random: () => number): number {
  const raw = Math.min(opts.maxMs, opts.initialMs * opts.factor ** Math.max(0, Math.min(failures - 1, 60)));
  return Math.round(raw * (1 - opts.jitter * random()));
}

/** Pure: `ms` spread by ±fraction, so periodic work of many keys does not line up. */
export function withJitter(ms: number, fraction: number, random: () => number): number {
  return Math.max(0, Math.round(ms * (1 + fraction * (2 * random() - 1))));
}
