/**
 * Run monitoring, I/O part: one poll of a flow's runs per reconcile (so on the resync cadence),
 * through the port and so through the client's org-wide rate limiter. The new cursor is persisted
 * (status sink) before the observer hears of the runs, so a crash never counts a run twice;
 * a failed poll changes nothing and is retried on the next reconcile.
 */
import {
  CONDITION_REASONS,
  CONDITION_TYPES,
  getCondition,
  setCondition,
  type ConditionInput,
} from './conditions.js';
import { EVENT_REASONS, warning } from './events.js';
import type { AdobePort, ObservedRun } from './ports.js';
import {
  accountRuns,
  healthCondition,
  RUN_POLL_DEFAULTS,
  runQuery,
  scheduleIntervalSeconds,
} from './runs.js';
import type { RunMonitorDeps, RunObserver } from './context.js';
import type { Session } from './session.js';

const completion = (r: ObservedRun) => r.completedAtMs ?? r.startedAtMs ?? null;

/**
 * Polls the flow's new runs, moves `status.lastRun`, and returns the Healthy condition to set
 * (undefined when the poll failed: Healthy stays as it was).
 */
export async function pollRuns(
  s: Session,
  port: AdobePort,
  flowId: string,
  deps: RunMonitorDeps = {},
): Promise<ConditionInput | undefined> {
  const limits = { ...RUN_POLL_DEFAULTS, ...deps.limits };
  const cursor = s.status.lastRun;
  const previous = getCondition(s.status.conditions, CONDITION_TYPES.Healthy);
  try {
    const runs = await port.listRuns(flowId, runQuery(cursor, limits));
    const acc = accountRuns(cursor, runs);
    const newestAccounted = acc.accounted.at(-1);
    const health = healthCondition({
      generation: s.obj.generation,
      lastRun: acc.lastRun ?? cursor,
      ...(newestAccounted ? { lastRunErrors: newestAccounted.errors } : {}),
      ...(previous ? { previous } : {}),
      nowMs: s.now.getTime(),
      ...(s.obj.spec.enabled !== false
        ? { intervalSeconds: scheduleIntervalSeconds(s.obj.spec.schedule) }
        : {}),
    });
    if (acc.lastRun) {
      const lastRun = acc.lastRun;
      const conditionsBefore = s.status.conditions;
      try {
        // The cursor and the Healthy verdict it implies are written together, so status never
        // shows a new lastRun beside the previous run's Healthy condition.
        await s.record((st) => {
          st.lastRun = lastRun;
          st.conditions = setCondition(st.conditions ?? [], health, s.now);
        });
      } catch (err) {
        // Not persisted: the runs stay uncounted and are read again next time.
        if (cursor) s.status.lastRun = cursor;
        else delete s.status.lastRun;
        if (conditionsBefore) s.status.conditions = conditionsBefore;
        else delete s.status.conditions;
        throw err;
      }
    }
    // Each run is accounted once, so a failed run raises one Warning Event with Adobe's errors.
    if (newestAccounted?.status === 'failed' && health.reason === CONDITION_REASONS.RunFailed)
      s.emit(warning(EVENT_REASONS.RunFailed, health.message));
    if (deps.observer) await notify(s, port, flowId, deps.observer, acc.accounted, acc.newest);
    return health;
  } catch (err) {
    s.logger.warn(
      { object: `${s.obj.namespace}/${s.obj.name}`, err: err instanceof Error ? err.message : String(err) },
      'run monitoring failed',
    );
    return undefined;
  }
}

async function notify(
  s: Session,
  port: AdobePort,
  flowId: string,
  observer: RunObserver,
  accounted: readonly ObservedRun[],
  newest: ObservedRun | undefined,
): Promise<void> {
  const ref = { uid: s.obj.uid, namespace: s.obj.namespace, name: s.obj.name };
  // A partial success wrote records too: it is the last time data arrived.
  const successes = accounted.filter((r) => r.status === 'success' || r.status === 'partialSuccess');
  let lastSuccessAtMs: number | null | undefined = successes.length
    ? completion(successes.at(-1)!)
    : observer.knownLastSuccessAtMs(s.obj.uid);
  if (lastSuccessAtMs === undefined) {
    const last = s.status.lastRun;
    if (last?.status === 'success' || last?.status === 'partialSuccess')
      lastSuccessAtMs = Date.parse(last.completedAt ?? last.startedAt ?? '');
    else {
      // Once per CR and process: after a restart during failures, find the last success.
      try {
        const [hit] = await port.listRuns(flowId, { status: 'success', limit: 1, order: 'newestFirst' });
        lastSuccessAtMs = hit ? completion(hit) : null;
      } catch {
        lastSuccessAtMs = undefined; // unknown; asked again on the next poll
      }
    }
    if (Number.isNaN(lastSuccessAtMs)) lastSuccessAtMs = null;
  }
  // The accounted runs are reported even when the lookup failed: their cursor is persisted.
  observer.onPoll(ref, {
    accounted,
    ...(newest ? { newest } : {}),
    ...(lastSuccessAtMs !== undefined ? { lastSuccessAtMs } : {}),
  });
}
