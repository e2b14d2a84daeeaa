/** Flow runs: enabled flows produce runs on their schedule against the simulated clock; outcomes
 * are scriptable per flow (a queue, then a default). History is bounded per flow. */
import { newEtag, newUuid } from './ids.js';
import { runItem } from './runItem.js';
import type { Scope } from './store.js';

/** A scripted run outcome (every field optional; defaults are a clean success). */
export interface OutcomeInput {
  status?: 'success' | 'failed';
  inputRecordCount?: number;
  outputRecordCount?: number;
  failedRecordCount?: number;
  errors?: { code: string; message: string }[];
  durationMs?: number;
}

/** A fully resolved outcome. */
export interface Outcome {
  status: 'success' | 'failed';
  inputRecordCount: number;
  outputRecordCount: number;
  failedRecordCount: number;
  errors: { code: string; message: string }[];
  durationMs: number;
}

/** Run error codes documented in EN monitor.md. */
export const RUN_ERRORS = {
  COPY_FAILED: { code: 'CONNECTOR-1001-500', message: 'Error in copying the data from Source.' },
  PROCESSING_FAILED: {
    code: 'CONNECTOR-2001-500',
    message: 'Error in processing (parsing, validation or transformation) the copied data.',
  },
} as const;

/** Default outcome when nothing is scripted. */
export const DEFAULT_OUTCOME: Outcome = {
  status: 'success',
  inputRecordCount: 100,
  outputRecordCount: 100,
  failedRecordCount: 0,
  errors: [],
  durationMs: 60_000,
};

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
  startedAt: number;
  windowStart: number;
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

function resolve(o: OutcomeInput | undefined, base: Outcome): Outcome {
  const status = o?.status ?? base.status;
  const input = o?.inputRecordCount ?? base.inputRecordCount;
  const failed = o?.failedRecordCount ?? (status === 'failed' ? input : base.failedRecordCount);
  return {
    status,
    inputRecordCount: input,
    failedRecordCount: failed,
    outputRecordCount: o?.outputRecordCount ?? Math.max(0, input - failed),
    errors: o?.errors ?? (status === 'failed' ? [{ ...RUN_ERRORS.COPY_FAILED }] : []),
    durationMs: o?.durationMs ?? base.durationMs,
  };
}

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
    /** Told of every run produced (the run ledger). */
    private readonly onRun: (run: RunRecord) => void = () => {},
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

  /** An ad-hoc run (POST /runs): starts at `at`, reads `windowStart`..`at`. Returns its id and etag. */
  adHoc(input: FlowScheduleInput, at: number, windowStart: number): { id: string; etag: string } {
    const run = this.produce({ ...input, periodMs: null, nextAt: null }, at, windowStart);
    return { id: run.id, etag: run.etag };
  }

  private produce(s: Schedule, at: number, windowStart?: number): RunRecord {
    const list = this.history.get(s.flowId) ?? [];
    const prev = list[list.length - 1];
    const run: RunRecord = {
      id: newUuid(),
      flowId: s.flowId,
      scope: s.scope,
      flowSpec: s.flowSpec,
      sourceConnectionId: s.sourceConnectionId,
      targetConnectionId: s.targetConnectionId,
      startedAt: at,
      windowStart: windowStart ?? (prev ? prev.startedAt : s.startTimeSeconds * 1000),
      outcome: this.nextOutcome(s.flowId),
      etag: newEtag(at),
      createdBy: 'flowservice-scheduler',
    };
    list.push(run);
    this.byId.set(run.id, run);
    this.onRun(run);
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
    return flowId ? out : out.sort((a, b) => (a['createdAt'] as number) - (b['createdAt'] as number));
  }

  /** One run item, if it exists in the scope. */
  item(scope: Scope, id: string, now: number): Record<string, unknown> | undefined {
    const r = this.byId.get(id);
    if (!r || r.scope.orgId !== scope.orgId || r.scope.sandboxName !== scope.sandboxName) return undefined;
    return runItem(r, now);
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
