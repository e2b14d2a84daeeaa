/** What a reconcile asks the runtime to do next (kube-rs `Action`), plus the terminal error type. */

/** Requeue after a delay, or wait for the next change (and the periodic resync). */
export class Action {
  private constructor(
    /** Delay before the next reconcile; null means wait for a change or the resync. */
    readonly requeueAfterMs: number | null,
  ) {}

  /** Reconcile again after `ms` milliseconds (backoff is reset: this is not an error). */
  static requeue(ms: number): Action {
    return new Action(Math.max(0, Math.round(ms)));
  }

  /** Reconcile again on the next change of the object, or at the periodic resync. */
  static awaitChange(): Action {
    return new Action(null);
  }
}

/**
 * An error retrying cannot fix (controller-runtime `TerminalError`): counted, logged, not requeued
 * with backoff; the periodic resync still visits the key.
 */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A failed reconcile that already knows when to retry (Adobe's Retry-After, a long wait after
 * rejected credentials, the engine's own backoff): counted as an error, requeued after
 * `retryAfterMs` instead of the queue's per-key backoff.
 */
export class RetryAfterError extends Error {
  override readonly name = 'RetryAfterError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
