/**
 * The reconcile engine: observe → pure plan → act, behind the kube-rs contract
 * `reconcile(object, ctx): Promise<Action>` (throws one `ReconcileError`) and one
 * `errorPolicy(error, attempts): Action`. Import from here.
 */
export { reconcile } from './engine.js';
export { nopLogger, type EngineLogger, type ObjectContext, type ReconcileContext } from './context.js';
export { ERROR_POLICY_DEFAULTS, backoffDelay, errorPolicy, type ErrorPolicyOptions } from './error-policy.js';
export {
  ENGINE_MESSAGES,
  RECONCILE_ERROR_KINDS,
  ReconcileError,
  THROTTLE_DEFAULT_MS,
  type ReconcileErrorKind,
} from './errors.js';
export { describeOperation, PLAN_REASONS } from './operations.js';
export type * from './operations.js';
export { planChain, planDeletion } from './plan.js';
export { observe, type ObservedChain } from './observe.js';
export { discoverChain, type Discovery } from './discover.js';
export {
  desiredChain,
  resolveMixpanel,
  resolvePlatform,
  type DesiredChain,
  type SecretsByName,
  type SecretData,
} from './desired.js';
export {
  CONDITION_TYPES,
  CONDITION_REASONS,
  TERMINAL_REASONS,
  isTerminalReason,
  setCondition,
  type ConditionReason,
} from './conditions.js';
export { EVENT_REASONS, type EngineEvent, type EventReason } from './events.js';
export type { AdobePort, AdobeConnector, PlatformCredentials } from './ports.js';
export { mappingSetName, type Link } from './naming.js';
export type { DataflowObject, DataflowSpec, DataflowStatus } from './types.js';
export {
  accountRuns,
  healthCondition,
  runQuery,
  scheduleIntervalSeconds,
  toRunStatus,
  FREQUENCY_SECONDS,
  HEALTH_MESSAGES,
  RUN_POLL_DEFAULTS,
  STALE_INTERVALS,
  type RunAccounting,
  type RunPollLimits,
} from './runs.js';
export type { DataflowRef, RunObserver, RunPoll, RunMonitorDeps } from './context.js';
export type { ObservedRun, RunOutcome, RunQuery } from './ports.js';
