/**
 * What one reconcile is given besides the object (kube-rs `ctx`): the referenced Secrets, the Adobe
 * connector, and the sinks through which status, events and the plan leave the engine as typed
 * values. The runtime side (manager/ in the cluster, local/ on a laptop, test harnesses) implements
 * the sinks; the engine never knows whether status lands in etcd or in a state file.
 */
import type { EngineEvent } from './events.js';
import type { Plan } from './operations.js';
import type { AdobeConnector, ObservedRun } from './ports.js';
import type { RunPollLimits } from './runs.js';
import type { SecretsByName } from './desired.js';
import type { DataflowStatus } from './types.js';

/** Structured logger the engine writes to (pino-compatible subset). */
export interface EngineLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** A logger that drops everything. */
export const nopLogger: EngineLogger = { info: () => undefined, warn: () => undefined };

/** The CR a run poll belongs to (run monitoring, run-monitor.ts). */
export interface DataflowRef {
  uid: string;
  namespace: string;
  name: string;
}

/** What one successful poll found. */
export interface RunPoll {
  /** Runs counted for the first time, oldest first (their cursor is already persisted). */
  accounted: readonly ObservedRun[];
  /** The newest run seen, finished or in progress; absent when no run newer than the cursor exists. */
  newest?: ObservedRun;
  /** When the newest known successful run completed (epoch ms); null when the flow has none. */
  lastSuccessAtMs?: number | null;
}

/** Receives polls (the metrics); must not throw. */
export interface RunObserver {
  onPoll(ref: DataflowRef, poll: RunPoll): void;
  /** The last success the observer already knows for this CR (undefined: ask Adobe once). */
  knownLastSuccessAtMs(uid: string): number | null | undefined;
}

/** Run-monitoring collaborators of the engine (all optional). */
export interface RunMonitorDeps {
  observer?: RunObserver;
  limits?: Partial<RunPollLimits>;
}

/** The per-object part of the context: what the runtime side knows about this one object. */
export interface ObjectContext {
  /** Decoded Secrets of the object's namespace that the spec references; absent Secret → undefined. */
  secrets: SecretsByName;
  /**
   * Persists status. Called with a full copy, in order, as soon as a new id or etag exists (so a
   * crash never loses what Adobe created) and once at the end; never twice with equal content.
   */
  writeStatus(status: DataflowStatus): Promise<void>;
  /** Records an event about the object (never carries a secret); called after the last status write. */
  recordEvent(event: EngineEvent): Promise<void> | void;
  /**
   * Deletion is complete (the chain is gone, or orphaned by policy): the finalizer may be removed.
   * Called at most once, after the last status write.
   */
  release(): Promise<void>;
  /** Sees every plan before it is acted on (dry runs, tests); must not throw. */
  onPlan?(plan: Plan): void;
  logger?: EngineLogger;
}

/** Everything one reconcile needs: the object's context plus the process-wide collaborators. */
export interface ReconcileContext extends ObjectContext {
  /** Opens an Adobe port for a set of platform credentials. */
  connect: AdobeConnector;
  /** Now, as Adobe sees it (local mode drives a simulator's clock); defaults to the system clock. */
  clock?: () => Date;
  /** Run monitoring: the observer that counts runs (metrics) and poll limits. */
  runs?: RunMonitorDeps;
}
