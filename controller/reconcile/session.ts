/** Per-reconcile working state: the status being built, events, progress reporting, clock. */
import { ANNOTATIONS, PAUSED_VALUE } from '../api/index.js';
import { ENGINE_DEFAULTS, type EngineOptions } from './action.js';
import { setCondition, type ConditionInput } from './conditions.js';
import type { EngineEvent } from './events.js';
import { canonicalJson } from '../util/canonical-json.js';
import type { AdobeConnector } from './ports.js';
import type { RunMonitorDeps } from './run-monitor.js';
import type { DataflowObject, DataflowStatus } from './types.js';
import type { SecretsByName } from './desired.js';

/** Structured logger the engine writes to (pino-compatible subset). */
export interface EngineLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** A logger that drops everything. */
export const nopLogger: EngineLogger = { info: () => undefined, warn: () => undefined };

/** Input of one reconcile. */
export interface ReconcileInput {
  object: DataflowObject;
  /** Decoded Secrets of the CR's namespace that the spec references; absent Secret → undefined. */
  secrets: SecretsByName;
  /** Consecutive failed reconciles of this object so far (the runtime's per-key counter). */
  failures?: number;
}

/** Collaborators of the engine. */
export interface ReconcileDeps {
  /** Opens an Adobe port for a set of platform credentials. */
  connect: AdobeConnector;
  /** Persists status as soon as a new id/etag exists (called with a full status copy, in order). */
  onProgress?: (status: DataflowStatus) => void | Promise<void>;
  clock?: () => Date;
  random?: () => number;
  logger?: EngineLogger;
  options?: Partial<EngineOptions>;
  /** Run monitoring: the observer that counts runs (metrics) and poll limits. */
  runs?: RunMonitorDeps;
}

/** The working state of one reconcile. */
export class Session {
  readonly status: DataflowStatus;
  readonly events: EngineEvent[] = [];
  readonly now: Date;
  readonly opts: EngineOptions;
  readonly logger: EngineLogger;
  readonly random: () => number;
  private progress: Promise<void> = Promise.resolve();

  constructor(
    readonly input: ReconcileInput,
    readonly deps: ReconcileDeps,
  ) {
    this.status = structuredClone(input.object.status ?? {});
    this.now = (deps.clock ?? (() => new Date()))();
    this.opts = { ...ENGINE_DEFAULTS, ...deps.options };
    this.logger = deps.logger ?? nopLogger;
    this.random = deps.random ?? Math.random;
  }

  /** The CR. */
  get obj(): DataflowObject {
    return this.input.object;
  }

  /** True when the paused annotation says `"true"`: observe and report, never write. */
  get paused(): boolean {
    return this.obj.annotations?.[ANNOTATIONS.paused] === PAUSED_VALUE;
  }

  /** Now in epoch seconds. */
  get nowSec(): number {
    return Math.floor(this.now.getTime() / 1000);
  }

  /** Applies `change` to status; when it changed anything, reports the new status (in order). */
  readonly record = async (change: (status: DataflowStatus) => void): Promise<void> => {
    const before = canonicalJson(this.status);
    change(this.status);
    if (canonicalJson(this.status) === before || !this.deps.onProgress) return;
    const snapshot = structuredClone(this.status);
    const report = this.deps.onProgress;
    this.progress = this.progress.then(() => report(snapshot));
    await this.progress;
  };

  /** Adds an event. */
  readonly emit = (event: EngineEvent): void => {
    this.events.push(event);
  };

  /** Sets conditions (no-op when unchanged) and observedGeneration. */
  conclude(...conditions: ConditionInput[]): void {
    let list = this.status.conditions ?? [];
    for (const c of conditions) list = setCondition(list, c, this.now);
    this.status.conditions = list;
    this.status.observedGeneration = this.obj.generation;
  }
}
