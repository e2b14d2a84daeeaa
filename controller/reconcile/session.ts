/** Per-reconcile working state: the status being built, events, status writes, clock. */
import { isPaused } from '../api/index.js';
import { canonicalJson } from '../util/canonical-json.js';
import {
  CONDITION_TYPES,
  getCondition,
  setCondition,
  syncedFailure,
  type ConditionInput,
} from './conditions.js';
import { nopLogger, type EngineLogger, type ReconcileContext } from './context.js';
import type { MissingSecret } from './desired.js';
import { waitsForChange } from './error-policy.js';
import { missingSecretCondition, ReconcileError, statusWriteFailed } from './errors.js';
import { EVENT_REASONS, warning, type EngineEvent } from './events.js';
import type { DataflowObject, DataflowStatus } from './types.js';

/** The working state of one reconcile. */
export class Session {
  readonly status: DataflowStatus;
  readonly events: EngineEvent[] = [];
  readonly now: Date;
  readonly logger: EngineLogger;
  /** Canonical JSON of the status as last written (or as read): what needs no write. */
  private written: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly obj: DataflowObject,
    readonly ctx: ReconcileContext,
  ) {
    this.status = structuredClone(obj.status ?? {});
    this.written = canonicalJson(this.status);
    this.now = (ctx.clock ?? (() => new Date()))();
    this.logger = ctx.logger ?? nopLogger;
  }

  /** True when the paused annotation is set: observe and report, never write to Adobe. */
  get paused(): boolean {
    return isPaused(this.obj);
  }

  /** Now in epoch seconds. */
  get nowSec(): number {
    return Math.floor(this.now.getTime() / 1000);
  }

  /** `namespace/name`, for logs. */
  get key(): string {
    return `${this.obj.namespace}/${this.obj.name}`;
  }

  /**
   * Applies `change` to status and writes it at once when that changed anything (writes are
   * serialized, in order). A failed write is a ReconcileError naming the Kubernetes API.
   */
  readonly record = async (change: (status: DataflowStatus) => void): Promise<void> => {
    change(this.status);
    await this.write();
  };

  /** Adds an event; events are recorded after the last status write (`flush`). */
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

  /**
   * Records a failure the way every branch does (crossplane): Synced=False with the error's reason
   * and message, any other condition given, and a Warning event for failures a person must fix.
   * Returns the error for the caller to throw.
   */
  fail(error: ReconcileError, ...others: ConditionInput[]): ReconcileError {
    this.conclude(syncedFailure(this.obj.generation, error.reason, error.message), ...others);
    if (waitsForChange(error)) this.emit(warning(EVENT_REASONS.TerminalError, error.message));
    if (error.kind === 'Credentials') this.emit(warning(EVENT_REASONS.CredentialsRejected, error.message));
    return error;
  }

  /**
   * The error for a missing Secret or key (`wrap` adds context, e.g. during deletion): Synced=False
   * naming it, and a Warning event only when that condition changes (a resync repeats nothing).
   */
  missingSecret(missing: MissingSecret, wrap: (message: string) => string = (m) => m): ReconcileError {
    const condition = missingSecretCondition(missing);
    const { reason } = condition;
    const message = wrap(condition.message);
    const before = getCondition(this.status.conditions, CONDITION_TYPES.Synced);
    if (before?.reason !== reason || before.message !== message)
      this.emit(
        warning(missing.problem ? EVENT_REASONS.InvalidSecret : EVENT_REASONS.MissingSecret, message),
      );
    this.conclude(syncedFailure(this.obj.generation, reason, message));
    return new ReconcileError({ kind: 'MissingSecret', reason, message });
  }

  /** Writes the final status when it changed, then records the events. */
  async flush(): Promise<void> {
    await this.write();
    const events = this.events.splice(0);
    for (const e of events) await this.ctx.recordEvent(e);
  }

  private write(): Promise<void> {
    // Each write is tried on its own: one failed write does not fail the ones after it.
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        const now = canonicalJson(this.status);
        if (now === this.written) return;
        try {
          await this.ctx.writeStatus(structuredClone(this.status));
        } catch (err) {
          throw statusWriteFailed(err);
        }
        this.written = now;
      });
    return this.writing;
  }
}
