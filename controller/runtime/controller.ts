/**
 * The reconcile loop, generic over a key (kube-rs `Controller::run(reconcile, error_policy)`):
 * N workers take keys from the work queue and run `reconcile`. What happens to the key next is an
 * Action, either the one the reconcile returned or, when it threw, the one `errorPolicy` chose for
 * the error and the key's consecutive failures (the only failure counter):
 *
 * | outcome                                   | queue                                   | result label  |
 * | ----------------------------------------- | --------------------------------------- | ------------- |
 * | returns Action.requeue(ms)                | addAfter(ms)                            | requeue_after |
 * | returns Action.awaitChange()              | resync after syncPeriod ± jitter        | success       |
 * | throws; errorPolicy → Action.requeue(ms)  | addAfter(ms)                            | error         |
 * | throws; errorPolicy → Action.awaitChange()| resync later; counted as terminal error | error         |
 */
import { Action } from './action.js';
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

/** Options of a Controller. */
export interface ControllerOptions<K> {
  queue: WorkQueue<K>;
  reconcile: (key: K) => Promise<Action>;
  /**
   * What to do after `reconcile` threw (kube-rs `error_policy`). `attempts` counts the key's
   * consecutive failed reconciles, this one included (1 on a first failure). Returning
   * `awaitChange()` marks the error terminal: no retry before a change or the resync.
   */
  errorPolicy: (key: K, error: unknown, attempts: number) => Action;
  /** Workers (controller-runtime `MaxConcurrentReconciles`). */
  concurrency: number;
  /** Periodic resync of every key after a success (0 disables). */
  resyncMs: number;
  /** ±fraction of jitter on the resync, so keys spread out. */
  resyncJitter?: number;
  /** Whether the key still exists (no resync is scheduled for a deleted object). */
  exists?: (key: K) => boolean;
  /** Called with every reconcile error and the Action the error policy chose (for logging). */
  onError?: (key: K, err: unknown, next: Action) => void;
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

  /** Consecutive failed reconciles of `key` so far (0 after a success). */
  failuresOf(key: K): number {
    return this.failures.get(key) ?? 0;
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
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let action: Action;
    try {
      action = await this.opts.reconcile(key);
    } catch (err) {
      const attempts = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempts);
      action = this.opts.errorPolicy(key, err, attempts);
      this.metrics.errored(action.requeueAfterMs === null);
      this.metrics.reconciled(RECONCILE_RESULTS.error, seconds());
      this.opts.onError?.(key, err, action);
      this.next(key, action);
      return;
    }
    this.failures.delete(key);
    this.metrics.reconciled(
      action.requeueAfterMs === null ? RECONCILE_RESULTS.success : RECONCILE_RESULTS.requeueAfter,
      seconds(),
    );
    this.next(key, action);
  }

  private next(key: K, action: Action): void {
    if (action.requeueAfterMs === null) this.scheduleResync(key);
    else this.opts.queue.addAfter(key, action.requeueAfterMs);
  }

  private scheduleResync(key: K): void {
    const { resyncMs, exists } = this.opts;
    if (resyncMs <= 0 || (exists && !exists(key))) return;
    this.opts.queue.addAfter(key, withJitter(resyncMs, this.opts.resyncJitter ?? 0.1, this.random));
  }
}

/** Re-exported so a reconcile function needs one import. */
export { Action };
