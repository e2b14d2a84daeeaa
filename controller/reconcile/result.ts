/** The result of one reconcile. */
import type { Action } from './action.js';
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
}

/** Builds a result from the session's status and events. */
export function result(
  s: Session,
  action: Action,
  plan: Operation[] = [],
  notices: Notice[] = [],
  deletionComplete = false,
): ReconcileResult {
  return { status: s.status, events: s.events, action, deletionComplete, plan, notices };
}
