/** Renders a stored run as the documented run item. */
import { stableUuid } from './ids.js';
import type { RunRecord } from './runs.js';

/** The run's status at `now`: scheduled (queued), inProgress, or its final status. */
export function runStatusAt(r: RunRecord, now: number): string {
  if (now < r.startedAt) return 'scheduled';
  return r.startedAt + r.outcome.durationMs <= now ? r.outcome.status : 'inProgress';
}

function activities(r: RunRecord, done: boolean): Record<string, unknown>[] {
  const o = r.outcome;
  const completedAt = r.startedAt + o.durationMs;
  const copyEnd = r.startedAt + Math.floor(o.durationMs / 2);
  const inputBytes = o.inputRecordCount * 240;
  const outputBytes = o.outputRecordCount * 170;
  const copy = {
    id: 'copyActivity',
    updatedAtUTC: done ? copyEnd : r.startedAt,
    durationSummary: {
      startedAtUTC: r.startedAt,
      ...(done ? { completedAtUTC: copyEnd } : {}),
      extensions: { windowStart: r.windowStart, windowEnd: r.windowEnd ?? r.startedAt },
    },
    sizeSummary: done ? { inputBytes, outputBytes: inputBytes } : {},
    recordSummary: {},
    statusSummary: {
      status: done
        ? o.status === 'failed' && o.outputRecordCount === 0
          ? 'failed'
          : 'success'
        : 'inProgress',
    },
    sourceInfo: [
      { id: r.sourceConnectionId, type: 'SourceConnection', reference: { type: 'AdfRunId', ids: [r.id] } },
    ],
  };
  if (!done) return [copy];
  const promotion = {
    id: 'promotionActivity',
    updatedAtUTC: completedAt,
    durationSummary: { startedAtUTC: copyEnd, completedAtUTC: completedAt },
    sizeSummary: { inputBytes, outputBytes },
    recordSummary: {
      inputRecordCount: o.inputRecordCount,
      outputRecordCount: o.outputRecordCount,
      failedRecordCount: o.failedRecordCount,
    },
    statusSummary: { status: o.status, errors: o.errors },
    targetInfo: [
      {
        id: r.targetConnectionId,
        type: 'TargetConnection',
        reference: { type: 'Batch', ids: [r.id.replace(/-/g, '').slice(0, 26).toUpperCase()] },
      },
    ],
  };
  return [copy, promotion];
}

/**
 * The documented run item (EN monitor.md), computed at `now`. A queued run carries only
 * `statusSummary` (`scheduled`) and no activities, as the ad-hoc run answer in EN
 * create-flow-runs.md; every item has a top-level `state` (the guide filters `state==inProgress`),
 * and a `stateOnly` run has no `statusSummary.status` at all.
 */
export function runItem(r: RunRecord, now: number): Record<string, unknown> {
  const o = r.outcome;
  const status = runStatusAt(r, now);
  const queued = status === 'scheduled';
  const done = !queued && status !== 'inProgress';
  const completedAt = r.startedAt + o.durationMs;
  const statusField = o.shape === 'stateOnly' ? {} : { status };
  let metrics: Record<string, unknown>;
  if (queued) metrics = { statusSummary: { ...statusField } };
  else {
    const inputBytes = o.inputRecordCount * 240;
    const outputBytes = o.outputRecordCount * 170;
    metrics = {
      durationSummary: { startedAtUTC: r.startedAt, ...(done ? { completedAtUTC: completedAt } : {}) },
      sizeSummary: done ? { inputBytes, outputBytes } : {},
      recordSummary: done
        ? {
            inputRecordCount: o.inputRecordCount,
            outputRecordCount: o.outputRecordCount,
            failedRecordCount: o.failedRecordCount,
          }
        : {},
      fileSummary: done
        ? {
            inputFileCount: 1,
            outputFileCount: o.outputRecordCount > 0 ? 1 : 0,
            activityRefs: ['promotionActivity'],
          }
        : {},
      statusSummary: done
        ? { ...statusField, errors: o.errors, activityRefs: ['promotionActivity'] }
        : { ...statusField, activityRefs: ['copyActivity'] },
    };
  }
  return {
    id: r.id,
    flowId: r.flowId,
    createdAt: r.createdAt,
    updatedAt: done ? completedAt : queued ? r.createdAt : r.startedAt,
    createdBy: r.createdBy,
    updatedBy: r.createdBy,
    createdClient: r.createdBy,
    updatedClient: r.createdBy,
    sandboxId: stableUuid(`${r.scope.orgId}/${r.scope.sandboxName}`),
    sandboxName: r.scope.sandboxName,
    imsOrgId: r.scope.orgId,
    flowSpec: r.flowSpec,
    providerRefId: `M-${r.flowId}-incremental-0:${r.id}`,
    etag: r.etag,
    state: status,
    ...(r.params ? { params: r.params } : {}),
    metrics,
    activities: queued ? [] : activities(r, done),
  };
}
