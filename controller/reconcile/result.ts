/** The result of one reconcile. */
import type { Action } from './action.js';
import type { ConditionReason } from './conditions.js';
import type { FailureKind } from './errors.js';
import type { EngineEvent } from './events.js';
import type { Notice, Operation } from './plan.js';
import type { Session } from './session.js';
import type { DataflowStatus } from './types.js';

/** What one reconcile produced. */
export interface ReconcileResult {
  status: DataflowStatus;
  events: EngineEvent[];
  action: Action;
  /** True when the CR is being deleted and the finalizer may be removed. */
  deletionComplete: boolean;
  /** The operations planned in the last pass (what a dry-run prints). */
  plan: Operation[];
  notices: Notice[];
  /**
   * Set when this reconcile failed (the runtime counts consecutive failures for the next
   * `failures` input and labels metrics with `kind`); absent on success, pause and waits.
   */
  error?: { kind: FailureKind | 'MissingSecret'; reason: ConditionReason };
}

/** Optional parts of a result. */
export interface ResultExtras {
  plan?: Operation[];
  notices?: Notice[];
  deletionComplete?: boolean;
  error?: ReconcileResult['error'];
}

/** Builds a result from the session's status and events. */
export function result(s: Session, action: Action, extras: ResultExtras = {}): ReconcileResult {
  return {
    status: s.status,
    events: s.events,
    action,
    deletionComplete: extras.deletionComplete ?? false,
    plan: extras.plan ?? [],
    notices: extras.notices ?? [],
    ...(extras.error ? { error: extras.error } : {}),
  };
}
