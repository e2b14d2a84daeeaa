/**
 * What a reconcile asks the runtime to do next (kube-rs `Action`): the one type both a reconcile
 * and an error policy return. A private constructor and two constructors, so there is no third
 * state (no success-path backoff: backoff is for errors, which go through the error policy).
 */
export class Action {
  private constructor(
    /** Delay before the next reconcile; null means wait for a change (or the periodic resync). */
    readonly requeueAfterMs: number | null,
  ) {}

  /** Reconcile again after `ms` milliseconds. */
  static requeue(ms: number): Action {
    return new Action(Math.max(0, Math.round(ms)));
  }

  /** Reconcile again on the next change of the object, or at the periodic resync. */
  static awaitChange(): Action {
    return new Action(null);
  }
}
