/** Token bucket for Flow Service calls, shared per org (Adobe throttles the whole org). */

/** Bucket settings: steady rate and burst size. */
export interface RateLimitSettings {
  requestsPerSecond: number;
  burst: number;
}

/** Milliseconds from some fixed origin; injectable for tests. */
export type Clock = () => number;

/** Waits `ms`, or rejects with the signal's reason once it aborts; injectable for tests. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Sleep on Node's timers. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * A reservation-style token bucket. Each `reserve()` takes one token now, even when that drives the
 * balance negative, and returns how long the caller must wait before using it. Waiters are thus
 * served in arrival order and the long-run rate never exceeds `requestsPerSecond`.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly settings: RateLimitSettings,
    private readonly now: Clock = () => performance.now(),
    private readonly sleep: Sleep = timerSleep,
  ) {
    this.tokens = settings.burst;
    this.last = now();
  }

  /** Takes a token; returns the wait in ms before the caller may send (0 = go now). Pure but for the clock. */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens / this.settings.requestsPerSecond) * 1000);
  }

  /** Gives a reserved token back (the caller gave up waiting). */
  refund(): void {
    this.tokens = Math.min(this.settings.burst, this.tokens + 1);
  }

  /** Tokens available right now (may be negative while callers wait). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Waits for a token. Resolves with the time waited; rejects with the signal's reason on abort. */
  async acquire(signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    const waitMs = this.reserve();
    if (waitMs === 0) return 0;
    try {
      await this.sleep(waitMs, signal);
    } catch (err) {
      this.refund();
      throw err;
    }
    return waitMs;
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last);
    this.last = t;
    this.tokens = Math.min(
      this.settings.burst,
      this.tokens + (elapsed / 1000) * this.settings.requestsPerSecond,
    );
  }
}

interface Entry {
  bucket: TokenBucket;
  users: number;
}

const perOrg = new Map<string, Entry>();

/** A lease on the org's shared bucket; release it when the client closes. */
export interface OrgRateLimiterLease {
  bucket: TokenBucket;
  release(): void;
}

/**
 * The process-wide bucket of one org, created by its first user with that user's settings (later
 * settings for the same org are ignored: the controller has one setting). Refcounted: the bucket is
 * dropped when its last client closes.
 */
export function leaseOrgRateLimiter(
  orgId: string,
  settings: RateLimitSettings,
  now?: Clock,
  sleep?: Sleep,
): OrgRateLimiterLease {
  let entry = perOrg.get(orgId);
  if (!entry) {
    entry = { bucket: new TokenBucket(settings, now, sleep), users: 0 };
    perOrg.set(orgId, entry);
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    bucket: held.bucket,
    release: () => {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users === 0 && perOrg.get(orgId) === held) perOrg.delete(orgId);
    },
  };
}
