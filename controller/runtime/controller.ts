/**
 * The reconcile loop, generic over a key: N workers take keys from the work queue and run the
 * reconcile function; its Action or error decides what happens to the key next
 * (controller-runtime `reconcileHandler`):
 *
 * | outcome                 | queue                                     | result label   |
 * | ----------------------- | ----------------------------------------- | -------------- |
 * | throws TerminalError    | forget; resync later                      | error          |
 * | throws RetryAfterError  | addAfter(its delay)                       | error          |
 * | throws anything else    | addRateLimited (5 ms → 1000 s per key)    | error          |
 * | Action.requeue(ms)      | forget backoff; addAfter(ms)              | requeue_after  |
 * | Action.awaitChange()    | forget; resync after syncPeriod ± jitter  | success        |
 */
import { Action, RetryAfterError, TerminalError } from './action.js';
import { withJitter } from './backoff.js';
import type { WorkQueue } from './workqueue.js';

/** Result labels of `controller_runtime_reconcile_total` (controller-runtime's values). */
export const RECONCILE_RESULTS = {
  success: 'success',
  error: 'error',
  requeue: 'requeue',
  requeueAfter: 'requeue_after',
} as const;

/** One result label. */
export type ReconcileResultLabel = (typeof RECONCILE_RESULTS)[keyof typeof RECONCILE_RESULTS];

/** Hooks for controller metrics; implementations must be cheap and never throw. */
export interface ControllerMetrics {
  reconciled(result: ReconcileResultLabel, seconds: number): void;
  errored(terminal: boolean): void;
  activeWorkers(n: number): void;
}

/** Controller metrics that do nothing. */
export const nopControllerMetrics: ControllerMetrics = {
  reconciled: () => undefined,
  errored: () => undefined,
  activeWorkers: () => undefined,
};

/** What a reconcile is told besides its key. */
export interface ReconcileContext {
  /** Consecutive failed reconciles of this key (0 after any reconcile that did not throw). */
  failures: number;
}

/** Options of a Controller. */
export interface ControllerOptions<K> {
  queue: WorkQueue<K>;
  reconcile: (key: K, ctx: ReconcileContext) => Promise<Action>;
  /** Workers (controller-runtime `MaxConcurrentReconciles`). */
  concurrency: number;
  /** Periodic resync of every key after a success (0 disables). */
  resyncMs: number;
  /** ±fraction of jitter on the resync, so keys spread out. */
  resyncJitter?: number;
  /** Whether the key still exists (no resync is scheduled for a deleted object). */
  exists?: (key: K) => boolean;
  /** Called with every reconcile error (for logging). */
  onError?: (key: K, err: unknown) => void;
  metrics?: ControllerMetrics;
  random?: () => number;
}

/** Runs workers over a queue until stopped. */
export class Controller<K> {
  private readonly failures = new Map<K, number>();
  private readonly metrics: ControllerMetrics;
  private readonly random: () => number;
  private workers: Promise<void>[] = [];
  private active = 0;

  constructor(private readonly opts: ControllerOptions<K>) {
    this.metrics = opts.metrics ?? nopControllerMetrics;
    this.random = opts.random ?? Math.random;
  }

  /** Starts the workers; returns at once. */
  start(): void {
    if (this.workers.length > 0) return;
    for (let i = 0; i < this.opts.concurrency; i++) this.workers.push(this.work());
  }

  /** Reconciles in flight right now. */
  activeCount(): number {
    return this.active;
  }

  /**
   * Stops taking keys and waits up to `graceMs` for in-flight reconciles. Resolves true when they
   * all finished in time.
   */
  async stop(graceMs: number): Promise<boolean> {
    this.opts.queue.shutDown();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const drained = Promise.all(this.workers).then(() => true as const);
    const finished = await Promise.race([drained, timeout]);
    clearTimeout(timer);
    return finished;
  }

  /** Forgets a deleted key: no retry, no resync. */
  forgetKey(key: K): void {
    this.failures.delete(key);
    this.opts.queue.cancel(key);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.opts.queue.get();
      if (key === undefined) return;
      this.metrics.activeWorkers(++this.active);
      try {
        await this.handle(key);
      } finally {
        this.metrics.activeWorkers(--this.active);
        this.opts.queue.done(key);
      }
    }
  }

  private async handle(key: K): Promise<void> {
    const { queue } = this.opts;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const failures = this.failures.get(key) ?? 0;
    let action: Action;
    try {
      action = await this.opts.reconcile(key, { failures });
    } catch (err) {
      const terminal = err instanceof TerminalError;
      this.metrics.errored(terminal);
      this.metrics.reconciled(RECONCILE_RESULTS.error, seconds());
      this.opts.onError?.(key, err);
      this.failures.set(key, failures + 1);
      if (terminal) {
        queue.forget(key);
        this.scheduleResync(key);
      } else if (err instanceof RetryAfterError) queue.addAfter(key, err.retryAfterMs);
      else queue.addRateLimited(key);
      return;
    }
    queue.forget(key);
    this.failures.delete(key);
    if (action.requeueAfterMs !== null) {
      this.metrics.reconciled(RECONCILE_RESULTS.requeueAfter, seconds());
      queue.addAfter(key, action.requeueAfterMs);
      return;
    }
    this.metrics.reconciled(RECONCILE_RESULTS.success, seconds());
    this.scheduleResync(key);
  }

  private scheduleResync(key: K): void {
    const { resyncMs, exists } = this.opts;
    if (resyncMs <= 0 || (exists && !exists(key))) return;
    this.opts.queue.addAfter(key, withJitter(resyncMs, this.opts.resyncJitter ?? 0.1, this.random));
  }
}

/** Re-exported so a reconcile function needs one import. */
export { Action, RetryAfterError, TerminalError };
