/** What the runtime should do after a reconcile (kube-rs style). */

/** Requeue after a delay, or wait for the next change of the CR or its Secrets. */
export class Action {
  private constructor(
    /** Delay before the next reconcile; null means wait for a change. */
    readonly requeueAfterMs: number | null,
  ) {}

  /** Reconcile again after `ms` milliseconds. */
  static requeue(ms: number): Action {
    return new Action(Math.max(0, Math.round(ms)));
  }

  /** Reconcile again only when the CR or a referenced Secret changes (or on periodic resync). */
  static awaitChange(): Action {
    return new Action(null);
  }
}

/** Tunables of the engine; every default is here. */
export interface EngineOptions {
  /** First backoff step for 5xx/network errors (doubles per consecutive failure). */
  backoffBaseMs: number;
  /** Backoff ceiling; controller-runtime's per-item limiter also caps at minutes. */
  backoffMaxMs: number;
  /** Retry delay after credentials were rejected (long, so a bad Secret does not hammer IMS). */
  credentialsRetryMs: number;
  /** Retry delay while a Secret is missing (a Secret watch usually triggers sooner). */
  missingSecretRetryMs: number;
  /** Delay used for 429 when Adobe sends no Retry-After. */
  throttleDefaultMs: number;
  /** Observe→plan→act passes per reconcile (412 conflicts and adoptions re-plan at once). */
  maxPasses: number;
}

/** Defaults of EngineOptions. */
export const ENGINE_DEFAULTS: Readonly<EngineOptions> = {
  backoffBaseMs: 1_000,
  backoffMaxMs: 300_000,
  credentialsRetryMs: 300_000,
  missingSecretRetryMs: 300_000,
  throttleDefaultMs: 10_000,
  maxPasses: 3,
};

/** Exponential backoff with jitter: base·2^failures capped, then scaled into [½, 1]. */
export function backoffDelay(failures: number, opts: EngineOptions, random: () => number): number {
  const raw = Math.min(opts.backoffMaxMs, opts.backoffBaseMs * 2 ** Math.max(0, Math.min(failures, 30)));
  return raw * (0.5 + random() * 0.5);
}
