/**
 * The one error policy (kube-rs `error_policy`): a failed reconcile plus the number of consecutive
 * failures of its object → the next Action. The runtime calls it for every error, whether it came
 * from creating, updating or deleting, in the cluster and in local mode alike; the engine itself
 * never decides how long to wait.
 */
import { Action } from '../runtime/action.js';
import { ReconcileError } from './errors.js';

/** Tunables of the error policy; every default is here. */
export interface ErrorPolicyOptions {
  /** First backoff step for Transient/Stale errors (doubles per consecutive failure). */
  backoffBaseMs: number;
  /** Backoff ceiling; controller-runtime's per-item limiter also caps at minutes. */
  backoffMaxMs: number;
  /** Retry delay after credentials were rejected (long, so a bad Secret does not hammer IMS). */
  credentialsRetryMs: number;
  /** Retry delay while a Secret is missing (the Secret watch usually triggers sooner). */
  missingSecretRetryMs: number;
  /**
   * First step and ceiling for failures outside the engine (the runtime side's own Kubernetes
   * calls: reading the CR, the finalizer, the Secrets): client-go's per-item controller limiter.
   */
  outsideBaseMs: number;
  outsideMaxMs: number;
}

/** Defaults of ErrorPolicyOptions. */
export const ERROR_POLICY_DEFAULTS: Readonly<ErrorPolicyOptions> = {
  backoffBaseMs: 1_000,
  backoffMaxMs: 300_000,
  credentialsRetryMs: 300_000,
  missingSecretRetryMs: 300_000,
  outsideBaseMs: 5,
  outsideMaxMs: 1_000_000,
};

/**
 * Exponential backoff with jitter for the `attempts`-th consecutive failure (1 = first):
 * base·2^(attempts−1), capped, then scaled into [½, 1] so many objects failing together spread out.
 */
export function backoffDelay(attempts: number, opts: ErrorPolicyOptions, random: () => number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  const raw = Math.min(opts.backoffMaxMs, opts.backoffBaseMs * 2 ** exponent);
  return raw * (0.5 + random() * 0.5);
}

/**
 * What to do after a failed reconcile: Terminal and Unsupported wait for a change; Credentials and MissingSecret
 * wait long; an error that knows its wait (Retry-After) gets exactly that; everything else backs
 * off exponentially with the object's consecutive failures. An error that is no ReconcileError
 * failed outside the engine (a Kubernetes call of the runtime side) and backs off like client-go's
 * controller limiter (5 ms doubling to 1000 s), as a controller-runtime controller would.
 */
export function errorPolicy(
  error: unknown,
  attempts: number,
  options: Partial<ErrorPolicyOptions> = {},
  random: () => number = Math.random,
): Action {
  const opts = { ...ERROR_POLICY_DEFAULTS, ...options };
  if (!(error instanceof ReconcileError)) {
    const exponent = Math.max(0, Math.min(attempts - 1, 62));
    return Action.requeue(Math.min(opts.outsideMaxMs, opts.outsideBaseMs * 2 ** exponent));
  }
  const e = error;
  switch (e.kind) {
    case 'Terminal':
    case 'Unsupported':
      return Action.awaitChange();
    case 'Credentials':
      return Action.requeue(opts.credentialsRetryMs);
    case 'MissingSecret':
      return Action.requeue(opts.missingSecretRetryMs);
    case 'Throttled':
    case 'Busy':
    case 'Transient':
    case 'Stale':
      return Action.requeue(e.retryAfterMs ?? backoffDelay(attempts, opts, random));
  }
}

/**
 * Whether the policy leaves `error` alone until the spec or a Secret changes (Terminal,
 * Unsupported): then the engine records it as terminal, so a resync calls Adobe 0 times.
 */
export const waitsForChange = (error: ReconcileError): boolean =>
  errorPolicy(error, 1).requeueAfterMs === null;
