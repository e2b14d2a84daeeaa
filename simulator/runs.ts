/** Flow runs: enabled flows produce runs on their schedule against the simulated clock; outcomes
 * are scriptable per flow (a queue, then a default). History is bounded per flow. */
import { newEtag, newUuid } from './ids.js';
import { AD_HOC_QUEUE_MS, DEFAULT_OUTCOME, resolve, type Outcome, type OutcomeInput } from './outcomes.js';
import { runItem, runStatusAt } from './runItem.js';
import type { Scope } from './store.js';

export {
  AD_HOC_QUEUE_MS,
  DEFAULT_OUTCOME,
  RUN_ERRORS,
  RUN_SHAPES,
  type Outcome,
  type OutcomeInput,
  type RunFinalStatus,
  type RunShape,
} from './outcomes.js';

/** What the engine needs to know about a flow to schedule it. */
export interface FlowScheduleInput {
  flowId: string;
  scope: Scope;
  flowSpec: unknown;
  sourceConnectionId: string;
  targetConnectionId: string;
  startTimeSeconds: number;
  frequency: string;
  interval: number;
}

interface Schedule extends FlowScheduleInput {
  periodMs: number | null;
  nextAt: number | null;
}

/** One stored run. */
export interface RunRecord {
  id: string;
  flowId: string;
  scope: Scope;
  flowSpec: unknown;
  sourceConnectionId: string;
  targetConnectionId: string;
  /** When the run was created; it starts `outcome.queuedMs` later. */
  createdAt: number;
  startedAt: number;
  windowStart: number;
  windowEnd?: number;
  /** `params` of an ad-hoc run, echoed as sent. */
  params?: Record<string, unknown>;
  outcome: Outcome;
  etag: string;
  createdBy: string;
}

const UNIT_MS: Record<string, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/** Produces and remembers runs. */
export class RunEngine {
  private schedules = new Map<string, Schedule>();
  private history = new Map<string, RunRecord[]>();
  private byId = new Map<string, RunRecord>();
  private scripts = new Map<string, { queue: OutcomeInput[]; fallback?: OutcomeInput }>();
  private globalDefault: Outcome = DEFAULT_OUTCOME;
  private earliest = Infinity;

  constructor(
    private readonly maxPerFlow: number,
    /** Lets the server fail runs whose Mixpanel account or project a test marked invalid. */
    private readonly forcedFailure: (flowId: string) => OutcomeInput | undefined = () => undefined,
  ) {}

  /** Starts (or restarts) producing runs for an enabled flow: first at max(startTime, now) (or one period
   * after its last run), then every period. */
  schedule(input: FlowScheduleInput, now: number): void {
    const unit = UNIT_MS[input.frequency];
    const periodMs =
      input.frequency === 'once' || unit === undefined ? null : unit * Math.max(1, input.interval);
    const last = this.history.get(input.flowId)?.at(-1);
    // Keep the phase of earlier runs (a schedule edit or re-enable does not restart the series);
    // a run that is overdue happens now.
    const due =
      last && periodMs !== null
        ? Math.max(last.startedAt + periodMs, input.startTimeSeconds * 1000)
        : input.startTimeSeconds * 1000;
    const first = Math.max(due, now);
    const s: Schedule = { ...input, periodMs, nextAt: periodMs === null && last ? null : first };
    this.schedules.set(input.flowId, s);
    if (s.nextAt !== null) this.earliest = Math.min(this.earliest, s.nextAt);
  }

  /** Stops producing runs (disable). History stays. */
  unschedule(flowId: string): void {
    this.schedules.delete(flowId);
  }

  /** Forgets a deleted flow entirely (schedule, history, scripts). */
  forget(flowId: string): void {
    this.schedules.delete(flowId);
    for (const r of this.history.get(flowId) ?? []) this.byId.delete(r.id);
    this.history.delete(flowId);
    this.scripts.delete(flowId);
  }

  /** Queues outcomes for a flow's next runs, and optionally its default afterwards. */
  script(flowId: string, queue: OutcomeInput[], fallback?: OutcomeInput): void {
    const s = this.scripts.get(flowId) ?? { queue: [] };
    s.queue.push(...queue);
    if (fallback !== undefined) s.fallback = fallback;
    this.scripts.set(flowId, s);
  }

  /** Sets the default outcome for flows without a script. */
  setDefault(o: OutcomeInput): void {
    this.globalDefault = resolve(o, DEFAULT_OUTCOME);
  }

  /** Produces every run due by `now`. Cheap when nothing is due. */
  tick(now: number): void {
    if (now < this.earliest) return;
    let earliest = Infinity;
    for (const s of this.schedules.values()) {
      if (s.nextAt === null) continue;
      if (s.nextAt <= now) {
        if (s.periodMs === null) {
          this.produce(s, s.nextAt);
          s.nextAt = null;
        } else {
          let due = Math.floor((now - s.nextAt) / s.periodMs) + 1;
          // Runs older than the history bound would be forgotten at once: skip producing them.
          if (due > this.maxPerFlow) {
            s.nextAt += (due - this.maxPerFlow) * s.periodMs;
            due = this.maxPerFlow;
          }
          for (let i = 0; i < due; i++) {
            this.produce(s, s.nextAt);
            s.nextAt += s.periodMs;
          }
        }
      }
      if (s.nextAt !== null) earliest = Math.min(earliest, s.nextAt);
    }
    this.earliest = earliest;
  }

  private nextOutcome(flowId: string): Outcome {
    const forced = this.forcedFailure(flowId);
    const script = this.scripts.get(flowId);
    const scripted = script?.queue.shift() ?? script?.fallback;
    if (forced) return resolve({ ...scripted, ...forced }, this.globalDefault);
    return resolve(scripted, this.globalDefault);
  }

  /** An ad-hoc run (POST /runs), created at `at` and `scheduled` for AD_HOC_QUEUE_MS first. */
  adHoc(
    input: FlowScheduleInput,
    at: number,
    window: { start: number; end?: number; params: Record<string, unknown> },
    createdBy: string,
  ): RunRecord {
    const s = { ...input, periodMs: null, nextAt: null };
    return this.produce(s, at, { ...window, queuedMs: AD_HOC_QUEUE_MS, createdBy });
  }

  /** Re-triggers a finished run (`op=re-trigger`): a new run of the same flow and window. */
  retrigger(run: RunRecord, at: number, createdBy: string): RunRecord {
    const s: Schedule = {
      flowId: run.flowId,
      scope: run.scope,
      flowSpec: run.flowSpec,
      sourceConnectionId: run.sourceConnectionId,
      targetConnectionId: run.targetConnectionId,
      startTimeSeconds: Math.floor(run.windowStart / 1000),
      frequency: 'once',
      interval: 1,
      periodMs: null,
      nextAt: null,
    };
    return this.produce(s, at, {
      start: run.windowStart,
      ...(run.windowEnd !== undefined ? { end: run.windowEnd } : {}),
      createdBy,
    });
  }

  /** A stored run, if it exists. */
  record(id: string): RunRecord | undefined {
    return this.byId.get(id);
  }

  private produce(
    s: Schedule,
    at: number,
    adHoc?: {
      start: number;
      end?: number;
      params?: Record<string, unknown>;
      queuedMs?: number;
      createdBy: string;
    },
  ): RunRecord {
    const list = this.history.get(s.flowId) ?? [];
    const prev = list[list.length - 1];
    const outcome = this.nextOutcome(s.flowId);
    if (adHoc?.queuedMs !== undefined) outcome.queuedMs = Math.max(outcome.queuedMs, adHoc.queuedMs);
    const run: RunRecord = {
      id: newUuid(),
      flowId: s.flowId,
      scope: s.scope,
      flowSpec: s.flowSpec,
      sourceConnectionId: s.sourceConnectionId,
      targetConnectionId: s.targetConnectionId,
      createdAt: at,
      startedAt: at + outcome.queuedMs,
      windowStart: adHoc?.start ?? (prev ? prev.startedAt : s.startTimeSeconds * 1000),
      ...(adHoc?.end !== undefined ? { windowEnd: adHoc.end } : {}),
      ...(adHoc?.params ? { params: adHoc.params } : {}),
      outcome,
      etag: newEtag(at),
      createdBy: adHoc?.createdBy ?? 'flowservice-scheduler',
    };
    list.push(run);
    this.byId.set(run.id, run);
    while (list.length > this.maxPerFlow) this.byId.delete(list.shift()!.id);
    this.history.set(s.flowId, list);
    return run;
  }

  /** `lastRunDetails` for a flow: the latest completed run, if any. */
  lastRunDetails(flowId: string, now: number): Record<string, unknown> | undefined {
    const list = this.history.get(flowId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const r = list[i]!;
      const completed = r.startedAt + r.outcome.durationMs;
      if (completed <= now) {
        return { id: r.id, state: r.outcome.status, startedAtUTC: r.startedAt, completedAtUTC: completed };
      }
    }
    return undefined;
  }

  /** Run items in a scope (one flow's when `flowId` is given), oldest first. */
  items(scope: Scope, now: number, flowId?: string): Record<string, unknown>[] {
    const lists = flowId ? [this.history.get(flowId) ?? []] : [...this.history.values()];
    const out: Record<string, unknown>[] = [];
    for (const list of lists) {
      for (const r of list) {
        if (r.scope.orgId === scope.orgId && r.scope.sandboxName === scope.sandboxName)
          out.push(runItem(r, now));
      }
    }
    return out.sort((a, b) => (a['createdAt'] as number) - (b['createdAt'] as number));
  }

  /** One run item, if it exists in the scope. */
  item(scope: Scope, id: string, now: number): Record<string, unknown> | undefined {
    const r = this.byId.get(id);
    if (!r || r.scope.orgId !== scope.orgId || r.scope.sandboxName !== scope.sandboxName) return undefined;
    return runItem(r, now);
  }

  /** A flow's runs (id, created, status now), oldest first, for the control API. */
  all(flowId: string, now: number): { id: string; createdAt: number; state: string }[] {
    return (this.history.get(flowId) ?? []).map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      state: runStatusAt(r, now),
    }));
  }

  /** Number of runs held (for the state endpoint). */
  size(): number {
    return this.byId.size;
  }

  /** Forgets everything. */
  reset(): void {
    this.schedules.clear();
    this.history.clear();
    this.byId.clear();
    this.scripts.clear();
    this.globalDefault = DEFAULT_OUTCOME;
    this.earliest = Infinity;
  }
}
