/**
 * The controller runtime: watch, cache, work queue, reconcile loop, leader election, status
 * writer, finalizer, events, endpoints. Generic over keys and objects; knows nothing of Adobe.
 */
export { Action, RetryAfterError, TerminalError } from './action.js';
export {
  ItemBackoff,
  ITEM_BACKOFF_DEFAULTS,
  WATCH_BACKOFF_DEFAULTS,
  jitteredDelay,
  withJitter,
} from './backoff.js';
export {
  Controller,
  RECONCILE_RESULTS,
  nopControllerMetrics,
  type ControllerMetrics,
  type ControllerOptions,
  type ReconcileContext,
} from './controller.js';
export {
  ApiEventRecorder,
  nopEventRecorder,
  type EventInput,
  type EventRecorder,
  type ObjectReference,
} from './event-recorder.js';
export { addFinalizer, hasFinalizer, removeFinalizer } from './finalizer.js';
export {
  checksHandler,
  parseBindAddress,
  serveEndpoints,
  type Endpoints,
  type HealthCheck,
} from './http-endpoints.js';
export { KubeApiError, KubeHttp, isStatus, PATCH_TYPES } from './kube-http.js';
export {
  canonicalJson,
  isMeaningfulUpdate,
  objectKey,
  parseKey,
  resourceVersionOf,
  type KubeObject,
} from './kube-object.js';
export {
  LeaderElector,
  LEASE_TIMING_DEFAULTS,
  decide,
  microTime,
  type LeaseTiming,
} from './leader-election.js';
export { resourceSource, type ResourceSourceOptions } from './list-watch.js';
export { StatusWriter } from './status-writer.js';
export { createStore, type StoreChange, type StoreReader, type StoreWriter } from './store.js';
export { WatchLoop, type ListWatchSource, type WatchLoopOptions } from './watch-loop.js';
export {
  initialWatcherState,
  step,
  type WatcherEffect,
  type WatcherEvent,
  type WatcherInput,
  type WatcherState,
} from './watcher.js';
export { WorkQueue, nopQueueMetrics, type QueueMetrics, type WorkQueueOptions } from './workqueue.js';
