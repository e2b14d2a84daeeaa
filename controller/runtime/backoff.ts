/**
 * Delays for retries, generic over the key: the per-item exponential limiter the work queue uses
 * (client-go `ItemExponentialFailureRateLimiter`) and the jittered backoff of the watch loop
 * (kube-rs `DefaultBackoff`).
 */

/** Per-item exponential backoff settings; defaults are client-go's controller limiter (5 ms → 1000 s). */
export interface ItemBackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** client-go `DefaultTypedControllerRateLimiter` per-item part: 5 ms doubling up to 1000 s. */
export const ITEM_BACKOFF_DEFAULTS: Readonly<ItemBackoffOptions> = { baseDelayMs: 5, maxDelayMs: 1_000_000 };

/** Counts failures per key; `when(key)` returns base·2^failures (capped) and counts one more. */
export class ItemBackoff<K> {
  private readonly failures = new Map<K, number>();
  private readonly opts: ItemBackoffOptions;

  constructor(opts: Partial<ItemBackoffOptions> = {}) {
    this.opts = { ...ITEM_BACKOFF_DEFAULTS, ...opts };
  }

  /** Delay before the next retry of `key`; records one more failure. */
  when(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // Cap the exponent so 2^n never overflows to Infinity.
    return Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** Math.min(n, 62));
  }

  /** Failures recorded for `key` since the last forget. */
  retries(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** Resets `key` after a success. */
  forget(key: K): void {
    this.failures.delete(key);
  }
}

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
