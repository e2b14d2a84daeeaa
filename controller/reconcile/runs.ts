/**
 * Run monitoring, pure part: which runs to ask Adobe for, which of them to account, and the
 * Healthy condition they imply. The cursor is `status.lastRun`: every run that started at or
 * before it has been accounted (counted in metrics) exactly once, so polls cost O(new runs) and a
 * restarted controller neither recounts nor skips runs.
 */
import type { RunStatus } from '../api/index.js';
import {
  CONDITION_REASONS,
  CONDITION_TYPES,
  MAX_CONDITION_MESSAGE,
  type ConditionInput,
} from './conditions.js';
import type { ObservedRun, RunQuery } from './ports.js';
import type { DataflowSpec } from './types.js';

/** Limits of one poll. */
export interface RunPollLimits {
  /** Runs read on the first poll of a flow (no cursor yet): the newest ones; older history is not counted. */
  backfillRuns: number;
  /** Runs read after the cursor per poll, oldest first; more wait for the next poll. */
  runsPerPoll: number;
}

/** Defaults of RunPollLimits (the simulator keeps 100 runs per flow; Adobe keeps more). */
export const RUN_POLL_DEFAULTS: Readonly<RunPollLimits> = { backfillRuns: 100, runsPerPoll: 500 };

/** Seconds of one schedule unit (Flow Service `scheduleParams.frequency`). */
export const FREQUENCY_SECONDS: Readonly<Record<string, number>> = {
  minute: 60,
  hour: 3_600,
  day: 86_400,
  week: 604_800,
};

/** Healthy turns Stale when no successful run arrived within this many schedule intervals. */
export const STALE_INTERVALS = 2;

/** Record counts as Adobe reported them; a count it did not report is said to be unknown, not 0. */
function counts(r: RunStatus): string {
  const n = (v: number | undefined) => (v === undefined ? 'unknown' : String(v));
  return `${n(r.recordsRead)} records read, ${n(r.recordsWritten)} written, ${n(r.recordsFailed)} failed`;
}

/** Messages of the Healthy condition (stable across polls, so status does not churn). */
export const HEALTH_MESSAGES = {
  noRunsYet: 'The flow has not finished a run yet.',
  succeeded: (r: RunStatus) =>
    `Run ${r.id} succeeded at ${r.completedAt ?? r.startedAt ?? 'an unknown time'}: ${counts(r)}.`,
  failed: (r: RunStatus, errors: string) => `Run ${r.id} failed${errors ? `: ${errors}` : '.'}`,
  partial: (r: RunStatus, errors: string) =>
    `Run ${r.id} partially succeeded at ${r.completedAt ?? r.startedAt ?? 'an unknown time'}` +
    `: ${counts(r)}${errors ? `; ${errors}` : '.'}`,
  stale: (r: RunStatus, intervalSeconds: number) =>
    `No successful run since ${r.completedAt ?? r.startedAt ?? 'an unknown time'}; ` +
    `the schedule expects one every ${intervalSeconds} s.`,
} as const;

/** Seconds between scheduled runs; undefined for `once` (no cadence to go stale against). */
export function scheduleIntervalSeconds(schedule: DataflowSpec['schedule']): number | undefined {
  const unit = FREQUENCY_SECONDS[schedule.frequency];
  return unit === undefined ? undefined : unit * Math.max(1, schedule.interval ?? 1);
}

const ms = (iso: string | undefined): number | undefined => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

/** The query of the next poll: after the cursor oldest first, or the newest runs when there is none. */
export function runQuery(cursor: RunStatus | undefined, limits: RunPollLimits): RunQuery {
  const after = ms(cursor?.startedAt);
  if (after === undefined) return { limit: limits.backfillRuns, order: 'newestFirst' };
  return { startedAfterMs: after, limit: limits.runsPerPoll, order: 'oldestFirst' };
}

/** What one poll accounts. */
export interface RunAccounting {
  /** Runs finished since the cursor and not yet counted, oldest first. */
  accounted: ObservedRun[];
  /** The new cursor and `status.lastRun` (the newest accounted run); undefined: unchanged. */
  lastRun?: RunStatus;
  /** The newest run seen, finished or not (for the in-progress metric). */
  newest?: ObservedRun;
}

const byStart = (a: ObservedRun, b: ObservedRun) => (a.startedAtMs ?? 0) - (b.startedAtMs ?? 0);

/**
 * Accounts finished runs oldest first and stops at the first unfinished one: the cursor never
 * passes a run still in progress, so a run is counted once, when it finishes (if runs overlap,
 * lastRun waits for the older run before moving on).
 */
export function accountRuns(cursor: RunStatus | undefined, runs: readonly ObservedRun[]): RunAccounting {
  const after = ms(cursor?.startedAt);
  const fresh = runs
    .filter((r) => r.id !== cursor?.id && r.startedAtMs !== undefined)
    .filter((r) => after === undefined || r.startedAtMs! > after)
    .sort(byStart);
  const accounted: ObservedRun[] = [];
  for (const r of fresh) {
    if (r.status === 'inProgress') break;
    accounted.push(r);
  }
  const last = accounted.at(-1);
  return {
    accounted,
    ...(last ? { lastRun: toRunStatus(last) } : {}),
    ...(fresh.length > 0 ? { newest: fresh.at(-1)! } : {}),
  };
}

/** `status.lastRun` for a finished run. */
export function toRunStatus(r: ObservedRun): RunStatus {
  const out: RunStatus = { id: r.id, status: r.status };
  if (r.startedAtMs !== undefined) out.startedAt = new Date(r.startedAtMs).toISOString();
  if (r.completedAtMs !== undefined) out.completedAt = new Date(r.completedAtMs).toISOString();
  if (r.recordsRead !== undefined) out.recordsRead = r.recordsRead;
  if (r.recordsWritten !== undefined) out.recordsWritten = r.recordsWritten;
  if (r.recordsFailed !== undefined) out.recordsFailed = r.recordsFailed;
  return out;
}

/** Adobe's run errors as one line: `CODE: message; CODE: message`. */
export function describeRunErrors(errors: ObservedRun['errors']): string {
  const text = errors
    .map((e) => [e.code, e.message].filter(Boolean).join(': '))
    .filter(Boolean)
    .join('; ');
  return text.length > MAX_CONDITION_MESSAGE - 100 ? `${text.slice(0, MAX_CONDITION_MESSAGE - 101)}…` : text;
}

/** Inputs of the Healthy condition. */
export interface HealthInput {
  generation: number;
  /** `status.lastRun` after this poll. */
  lastRun: RunStatus | undefined;
  /** Errors of lastRun when this poll accounted it; otherwise the previous message is kept. */
  lastRunErrors?: ObservedRun['errors'];
  previous?: { reason: string; message: string };
  nowMs: number;
  /** Schedule interval; undefined when staleness does not apply (run once, or disabled). */
  intervalSeconds?: number;
}

/**
 * Healthy follows the newest finished run: RunSucceeded, RunPartiallySucceeded (True: data arrived,
 * but not all of it; the message counts what failed), RunFailed, NoRunsYet or Stale.
 */
export function healthCondition(h: HealthInput): ConditionInput {
  const make = (status: ConditionInput['status'], reason: string, message: string): ConditionInput => ({
    type: CONDITION_TYPES.Healthy,
    status,
    reason,
    message,
    observedGeneration: h.generation,
  });
  const r = h.lastRun;
  if (!r) return make('Unknown', CONDITION_REASONS.NoRunsYet, HEALTH_MESSAGES.noRunsYet);
  // A run's errors are read only when the run is new; later reconciles keep the message they gave.
  const withErrors = (
    status: ConditionInput['status'],
    reason: string,
    message: (errors: string) => string,
  ) =>
    make(
      status,
      reason,
      h.lastRunErrors === undefined && h.previous?.reason === reason
        ? h.previous.message
        : message(describeRunErrors(h.lastRunErrors ?? [])),
    );
  if (r.status === 'failed')
    return withErrors('False', CONDITION_REASONS.RunFailed, (e) => HEALTH_MESSAGES.failed(r, e));
  const completed = ms(r.completedAt) ?? ms(r.startedAt);
  if (
    h.intervalSeconds !== undefined &&
    completed !== undefined &&
    h.nowMs - completed > STALE_INTERVALS * h.intervalSeconds * 1000
  )
    return make('False', CONDITION_REASONS.Stale, HEALTH_MESSAGES.stale(r, h.intervalSeconds));
  if (r.status === 'partialSuccess')
    return withErrors('True', CONDITION_REASONS.RunPartiallySucceeded, (e) => HEALTH_MESSAGES.partial(r, e));
  return make('True', CONDITION_REASONS.RunSucceeded, HEALTH_MESSAGES.succeeded(r));
}
