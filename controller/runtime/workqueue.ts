/**
 * A work queue generic over a key (client-go `workqueue` semantics, no Kubernetes types):
 * - adding a key that is already waiting coalesces into one entry;
 * - a key being processed is never handed out again until `done`; re-added meanwhile, it is
 *   processed once more after `done`;
 * - `addAfter` keeps one timer per key, the earliest one (kube-rs scheduler).
 * How long to wait after a failure is not the queue's business: the controller's error policy
 * decides and calls `addAfter` (kube-rs; client-go's rate-limited queue has no counterpart here).
 */

/** Hooks for workqueue metrics; implementations must be cheap and never throw. */
export interface QueueMetrics {
  depth(n: number): void;
  added(): void;
  /** A key was scheduled with a delay (backoff, requeue-after, resync). */
  retried(): void;
  /** Seconds a key waited between becoming ready and being handed out. */
  queued(seconds: number): void;
  /** Seconds a key was processed (get → done). */
  worked(seconds: number): void;
}

/** Metrics hooks that do nothing. */
export const nopQueueMetrics: QueueMetrics = {
  depth: () => undefined,
  added: () => undefined,
  retried: () => undefined,
  queued: () => undefined,
  worked: () => undefined,
};

/** Options of a WorkQueue. */
export interface WorkQueueOptions {
  metrics?: QueueMetrics;
  /** Monotonic clock in ms (tests pass a fake). */
  now?: () => number;
}

interface Timer {
  at: number;
  handle: ReturnType<typeof setTimeout>;
}

/** The queue. `get()` resolves with the next key, or `undefined` once shut down and drained. */
export class WorkQueue<K> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Map<K, number>();
  private readonly addedAt = new Map<K, number>();
  private readonly timers = new Map<K, Timer>();
  private readonly waiters: ((key: K | undefined) => void)[] = [];
  private readonly metrics: QueueMetrics;
  private readonly now: () => number;
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.metrics = opts.metrics ?? nopQueueMetrics;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Makes `key` ready now (coalesces with a waiting entry). */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.metrics.added();
    this.dirty.add(key);
    this.addedAt.set(key, this.now());
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Makes `key` ready after `ms`; an earlier pending schedule for the key wins. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    this.metrics.retried();
    const at = this.now() + ms;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.handle);
    const handle = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    // A pending requeue must not keep the process alive on its own.
    handle.unref?.();
    this.timers.set(key, { at, handle });
  }

  /** Drops a pending delayed add of `key` (the object is gone). */
  cancel(key: K): void {
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending.handle);
    this.timers.delete(key);
  }

  /** Next key to process; undefined once the queue is shut down and nothing is waiting. */
  get(): Promise<K | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) return Promise.resolve(this.handOut(key));
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` processed; if it was re-added meanwhile it becomes ready again. */
  done(key: K): void {
    const started = this.processing.get(key);
    this.processing.delete(key);
    if (started !== undefined) this.metrics.worked((this.now() - started) / 1000);
    if (this.dirty.has(key)) this.push(key);
  }

  /** Keys waiting (not delayed, not in flight). */
  len(): number {
    return this.queue.length;
  }

  /** Keys currently being processed. */
  inFlight(): number {
    return this.processing.size;
  }

  /** Seconds the oldest in-flight key has been processed, and the sum over all in-flight keys. */
  unfinished(): { longestSeconds: number; totalSeconds: number } {
    const now = this.now();
    let longest = 0;
    let total = 0;
    for (const started of this.processing.values()) {
      const s = (now - started) / 1000;
      longest = Math.max(longest, s);
      total += s;
    }
    return { longestSeconds: longest, totalSeconds: total };
  }

  /** True once shutDown was called. */
  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops accepting keys, drops delayed adds and releases idle getters (they get undefined). */
  shutDown(): void {
    this.shuttingDown = true;
    for (const t of this.timers.values()) clearTimeout(t.handle);
    this.timers.clear();
    this.queue.length = 0;
    this.dirty.clear();
    this.metrics.depth(0);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private push(key: K): void {
    const waiter = this.waiters.shift();
    if (waiter) return waiter(this.handOut(key));
    this.queue.push(key);
    this.metrics.depth(this.queue.length);
  }

  private handOut(key: K): K {
    const now = this.now();
    this.dirty.delete(key);
    this.processing.set(key, now);
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) this.metrics.queued((now - added) / 1000);
    this.metrics.depth(this.queue.length);
    return key;
  }
}
