/** Run monitoring through the Flow Service client: `GET /runs` newest first, normalised for the engine. */
import type { FlowServiceClient, Run } from '../flowservice/index.js';
import type { ObservedRun, RunOutcome, RunQuery } from '../reconcile/ports.js';
import { mapped } from './errors.js';

/** Field the runs are filtered and ordered by (FS-OAS run metrics; the simulator sorts on it too). */
export const RUN_START_FIELD = 'metrics.durationSummary.startedAtUTC' as const;
/** Field of a run's outcome (`success`/`failed`; the sort-and-filter guide filters it). */
export const RUN_STATUS_FIELD = 'metrics.statusSummary.status' as const;
/** Largest page asked for; Adobe's documented list maximum is higher, but runs are small pages. */
export const RUN_PAGE_SIZE = 100;
/** Run errors kept per run (a condition message has room for a few). */
const MAX_ERRORS = 5;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Adobe documents `success` and `failed` for finished runs, and `scheduled`/`inProgress` before.
 * Partial-ingestion runs below the error threshold are reported as success (EN notifications.md);
 * any other status on a run that has a completion time counts as failed.
 */
export function runOutcome(status: string | undefined, completed: boolean): RunOutcome {
  const s = (status ?? '').toLowerCase().replace(/[_-]/g, '');
  if (s === 'success' || s === 'partialsuccess' || s === 'completed') return 'success';
  if (s === 'failed' || s === 'failure' || s === 'partialfailure') return 'failed';
  return completed ? 'failed' : 'inProgress';
}

/** One run item as the engine sees it. */
export function toObservedRun(r: Run): ObservedRun {
  const m = r.metrics;
  const startedAtMs = num(m?.durationSummary?.startedAtUTC) ?? num(r.createdAt);
  const completedAtMs = num(m?.durationSummary?.completedAtUTC);
  const status = runOutcome(m?.statusSummary?.status, completedAtMs !== undefined);
  const out: ObservedRun = {
    id: r.id,
    status,
    errors: (m?.statusSummary?.errors ?? []).slice(0, MAX_ERRORS).map((e) => ({
      ...(e.code !== undefined ? { code: e.code } : {}),
      ...(e.message !== undefined ? { message: e.message } : {}),
    })),
  };
  if (startedAtMs !== undefined) out.startedAtMs = startedAtMs;
  if (completedAtMs !== undefined && status !== 'inProgress') out.completedAtMs = completedAtMs;
  if (status !== 'inProgress') {
    const rec = m?.recordSummary;
    const read = num(rec?.inputRecordCount);
    const written = num(rec?.outputRecordCount);
    const failed = num(rec?.failedRecordCount);
    if (read !== undefined) out.recordsRead = read;
    if (written !== undefined) out.recordsWritten = written;
    if (failed !== undefined) out.recordsFailed = failed;
  }
  return out;
}

/** Lists a flow's runs in the query's order, stopping at `limit` (or, newest first, at the window's edge). */
export function listRuns(client: FlowServiceClient, flowId: string, q: RunQuery): Promise<ObservedRun[]> {
  return mapped(async () => {
    const property: string[] = [];
    if (q.startedAfterMs !== undefined)
      property.push(`${RUN_START_FIELD}${q.inclusive ? '>=' : '>'}${Math.floor(q.startedAfterMs)}`);
    if (q.status) property.push(`${RUN_STATUS_FIELD}==${q.status}`);
    const out: ObservedRun[] = [];
    const pages = client.runs.pages({
      flowId,
      property,
      orderby: `${q.order === 'oldestFirst' ? '' : '-'}${RUN_START_FIELD}`,
      limit: Math.min(RUN_PAGE_SIZE, Math.max(1, q.limit)),
    });
    for await (const page of pages) {
      for (const item of page.items) {
        const run = toObservedRun(item);
        // Defensive: stop at the window even if a server ignored the filter.
        if (q.order !== 'oldestFirst' && q.startedAfterMs !== undefined && run.startedAtMs !== undefined) {
          const before = q.inclusive
            ? run.startedAtMs < q.startedAfterMs
            : run.startedAtMs <= q.startedAfterMs;
          if (before) return out;
        }
        out.push(run);
        if (out.length >= q.limit) return out;
      }
    }
    return out;
  });
}
