/** The reconcile engine: observe → pure plan → act. Import from here. */
export { reconcile, PAUSED_ANNOTATION } from './engine.js';
export type { ReconcileResult } from './result.js';
export type { ReconcileInput, ReconcileDeps, EngineLogger } from './session.js';
export { nopLogger } from './session.js';
export { Action, ENGINE_DEFAULTS, backoffDelay, type EngineOptions } from './action.js';
export {
  planChain,
  planDeletion,
  describeOperation,
  VERBS,
  PLAN_REASONS,
  type Operation,
  type Plan,
  type Notice,
  type FieldDiff,
  type Verb,
} from './plan.js';
export { observe, type ObservedChain } from './observe.js';
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
export { ENGINE_MESSAGES, FAILURE_KINDS, ReconcileFailure, classify } from './errors.js';
export {
  PortError,
  PORT_ERROR_KINDS,
  type AdobePort,
  type AdobeConnector,
  type PlatformCredentials,
  type PortErrorKind,
} from './ports.js';
export { resourceName, mappingSetName, NAME_PREFIX, LINKS, type Link } from './naming.js';
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
export {
  pollRuns,
  type DataflowRef,
  type RunObserver,
  type RunPoll,
  type RunMonitorDeps,
} from './run-monitor.js';
export type { ObservedRun, RunOutcome, RunQuery } from './ports.js';
