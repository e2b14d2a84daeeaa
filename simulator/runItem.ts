/** Renders a stored run as the documented run item. */
import { stableUuid } from './ids.js';
import type { RunRecord } from './runs.js';

/** The documented run item (EN monitor.md): metrics, activities, statusSummary, computed at `now`. */
export function runItem(r: RunRecord, now: number): Record<string, unknown> {
  const o = r.outcome;
  const completedAt = r.startedAt + o.durationMs;
  const done = completedAt <= now;
  // An ad-hoc run created for later reads `scheduled` (EN create-flow-runs.md) until it starts.
  const status = done ? o.status : r.startedAt > now ? 'scheduled' : 'inProgress';
  const copyEnd = r.startedAt + Math.floor(o.durationMs / 2);
  const inputBytes = o.inputRecordCount * 240;
  const outputBytes = o.outputRecordCount * 170;
  const durationSummary: Record<string, unknown> = { startedAtUTC: r.startedAt };
  if (done) durationSummary['completedAtUTC'] = completedAt;
  return {
    id: r.id,
    flowId: r.flowId,
    createdAt: r.startedAt,
    updatedAt: done ? completedAt : r.startedAt,
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
    metrics: {
      durationSummary,
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
        ? { status, errors: o.errors, activityRefs: ['promotionActivity'] }
        : { status, activityRefs: ['copyActivity'] },
    },
    activities: [
      {
        id: 'copyActivity',
        updatedAtUTC: done ? copyEnd : r.startedAt,
        durationSummary: {
          startedAtUTC: r.startedAt,
          ...(done ? { completedAtUTC: copyEnd } : {}),
          extensions: { windowStart: r.windowStart, windowEnd: r.startedAt },
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
          {
            id: r.sourceConnectionId,
            type: 'SourceConnection',
            reference: { type: 'AdfRunId', ids: [r.id] },
          },
        ],
      },
      ...(done
        ? [
            {
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
            },
          ]
        : []),
    ],
  };
}
