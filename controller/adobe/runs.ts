/** Run monitoring through the Flow Service client: `GET /runs` by creation time, normalised for the engine. */
import type { FlowServiceClient, Run } from '../flowservice/index.js';
import type { ObservedRun, RunOutcome, RunQuery } from '../reconcile/ports.js';
import { mapped } from './errors.js';

/** Field the runs are filtered on by start (the sort-and-filter guide's time-window example). */
export const RUN_START_FIELD = 'metrics.durationSummary.startedAtUTC' as const;
/** Field the runs are ordered by: the guide documents `orderby` on `name` and `createdAt` only. */
export const RUN_ORDER_FIELD = 'createdAt' as const;
/** Largest page asked for; Adobe's documented list maximum is higher, but runs are small pages. */
export const RUN_PAGE_SIZE = 100;
/** Runs read newest first when looking for the last run with a given outcome. */
export const RUN_STATUS_LOOKBACK = 500;
/** Run errors kept per run (a condition message has room for a few). */
const MAX_ERRORS = 5;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Adobe documents `success` and `failed` for finished runs, `scheduled`/`inProgress` before, and
 * shows `partialSuccess` in a flow's lastRunDetails: a run that finished with some records failed,
 * neither a clean success nor a failure. Any other status on a run with a completion time is failed.
 */
export function runOutcome(status: string | undefined, completed: boolean): RunOutcome {
  const s = (status ?? '').toLowerCase().replace(/[_-]/g, '');
  if (s === 'success' || s === 'completed') return 'success';
  if (s === 'partialsuccess') return 'partialSuccess';
  if (s === 'failed' || s === 'failure' || s === 'partialfailure') return 'failed';
  return completed ? 'failed' : 'inProgress';
}

/**
 * One run item as the engine sees it. The status is read from `metrics.statusSummary.status`, else
 * the top-level `state` (both appear in Adobe's examples); a just-scheduled run has no
 * `durationSummary`, so its start falls back to `createdAt`.
 */
export function toObservedRun(r: Run): ObservedRun {
  const m = r.metrics;
  const startedAtMs = num(m?.durationSummary?.startedAtUTC) ?? num(r.createdAt);
  const completedAtMs = num(m?.durationSummary?.completedAtUTC);
  const status = runOutcome(m?.statusSummary?.status ?? r.state, completedAtMs !== undefined);
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
    // Only what Adobe reported: a missing counter stays missing rather than being derived.
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

/**
 * Lists a flow's runs in the query's order, stopping at `limit` (or, newest first, at the window's
 * edge). A status is matched here, not by a server filter: a run carrying its status only in the
 * top-level `state` would slip through a `metrics.statusSummary.status` filter.
 */
export function listRuns(client: FlowServiceClient, flowId: string, q: RunQuery): Promise<ObservedRun[]> {
  return mapped(async () => {
    const property: string[] = [];
    if (q.startedAfterMs !== undefined)
      property.push(`${RUN_START_FIELD}${q.inclusive ? '>=' : '>'}${Math.floor(q.startedAfterMs)}`);
    const out: ObservedRun[] = [];
    let read = 0;
    const pages = client.runs.pages({
      flowId,
      property,
      orderby: `${q.order === 'oldestFirst' ? '' : '-'}${RUN_ORDER_FIELD}`,
      limit: q.status ? RUN_PAGE_SIZE : Math.min(RUN_PAGE_SIZE, Math.max(1, q.limit)),
    });
    for await (const page of pages) {
      for (const item of page.items) {
        // Checked here too: a server that ignored the flowId filter must not mix flows' runs.
        if (item.flowId !== undefined && item.flowId !== flowId) continue;
        const run = toObservedRun(item);
        read++;
        // Defensive: honour the window even if a server ignored the filter.
        if (q.startedAfterMs !== undefined && run.startedAtMs !== undefined) {
          const before = q.inclusive
            ? run.startedAtMs < q.startedAfterMs
            : run.startedAtMs <= q.startedAfterMs;
          if (before && q.order !== 'oldestFirst') return out;
          if (before) continue;
        }
        if (q.status && run.status !== q.status) {
          if (read >= RUN_STATUS_LOOKBACK) return out;
          continue;
        }
        out.push(run);
        if (out.length >= q.limit) return out;
      }
    }
    return out;
  });
}
