/**
 * Run health for local mode: the newest run of the flow becomes `status.lastRun` and the Healthy
 * condition (the engine sets Ready and Synced only). Pure: a run in, status fields out.
 */
import { CONDITION_TYPES, type RunStatus } from '../api/index.js';
import type { Run } from '../flowservice/index.js';
import { setCondition, type DataflowStatus } from '../reconcile/index.js';

/** Reasons of the Healthy condition. */
export const HEALTH_REASONS = {
  RunSucceeded: 'RunSucceeded',
  RunFailed: 'RunFailed',
  RunInProgress: 'RunInProgress',
  NoRunsYet: 'NoRunsYet',
  FlowDisabled: 'FlowDisabled',
} as const;

const iso = (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString() : undefined;

/** The status block of one run as Flow Service reports it. */
export function runStatus(run: Run): RunStatus {
  const m = run.metrics;
  const started = iso(m?.durationSummary?.startedAtUTC ?? run.createdAt);
  const completed = iso(m?.durationSummary?.completedAtUTC);
  const records = m?.recordSummary;
  const out: RunStatus = { id: run.id, status: m?.statusSummary?.status ?? 'inProgress' };
  if (started) out.startedAt = started;
  if (completed) out.completedAt = completed;
  if (typeof records?.inputRecordCount === 'number') out.recordsRead = records.inputRecordCount;
  if (typeof records?.outputRecordCount === 'number') out.recordsWritten = records.outputRecordCount;
  if (typeof records?.failedRecordCount === 'number') out.recordsFailed = records.failedRecordCount;
  return out;
}

/** Status with `lastRun` and Healthy set from the newest run (undefined: none yet). */
export function withHealth(
  status: DataflowStatus,
  run: Run | undefined,
  enabled: boolean,
  now: Date,
): DataflowStatus {
  const next: DataflowStatus = structuredClone(status);
  const gen = status.observedGeneration;
  const last = run ? runStatus(run) : undefined;
  if (last) next.lastRun = last;
  const condition = (s: 'True' | 'False' | 'Unknown', reason: string, message: string) =>
    setCondition(
      next.conditions ?? [],
      {
        type: CONDITION_TYPES.Healthy,
        status: s,
        reason,
        message,
        ...(gen !== undefined ? { observedGeneration: gen } : {}),
      },
      now,
    );
  if (!last)
    next.conditions = enabled
      ? condition('Unknown', HEALTH_REASONS.NoRunsYet, 'The flow has not run yet.')
      : condition('Unknown', HEALTH_REASONS.FlowDisabled, 'The flow is disabled.');
  else if (last.status === 'success')
    next.conditions = condition('True', HEALTH_REASONS.RunSucceeded, `Run ${last.id} succeeded.`);
  else if (last.status === 'failed')
    next.conditions = condition('False', HEALTH_REASONS.RunFailed, `Run ${last.id} failed.`);
  else {
    // A run in progress says nothing yet: keep the verdict of the last finished run.
    const before = status.conditions?.find((c) => c.type === CONDITION_TYPES.Healthy);
    const settled =
      before?.reason === HEALTH_REASONS.RunSucceeded || before?.reason === HEALTH_REASONS.RunFailed;
    if (!settled)
      next.conditions = condition('Unknown', HEALTH_REASONS.RunInProgress, `Run ${last.id} is in progress.`);
  }
  return next;
}
