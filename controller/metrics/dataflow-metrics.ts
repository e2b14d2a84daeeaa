/**
 * MixpanelDataflow health metrics, labelled `namespace` and `name` (bounded by the number of CRs;
 * no label carries a secret, an error string or a run id). Gauges are computed at scrape time
 * from the last state each CR was reconciled to, so a forgotten CR's series vanish at once;
 * run counters grow from the engine's run monitoring, which reports each run exactly once.
 */
import { Counter, Gauge, type Metric } from 'prom-client';
import { CONDITION_TYPES, type MixpanelDataflowSpec, type MixpanelDataflowStatus } from '../api/index.js';
import {
  CONDITION_REASONS,
  scheduleIntervalSeconds,
  type DataflowRef,
  type ObservedRun,
  type RunObserver,
  type RunOutcome,
  type RunPoll,
} from '../reconcile/index.js';
import type { AllowedLabel } from './label-allowlist.js';

/** Condition statuses, each a series of mixpanel_dataflow_status_condition. */
export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
/** Values of the `status` label of the last-run and run-count metrics. */
export const RUN_STATUSES: readonly RunOutcome[] = ['success', 'partialSuccess', 'failed', 'inProgress'];

/** Outcomes of finished runs (the `status` label of the run counter). */
const FINISHED: readonly RunOutcome[] = ['success', 'partialSuccess', 'failed'];
const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(CONDITION_TYPES));
// Reasons are the engine's constants; anything else (a hand-edited status) is `Other`.
const KNOWN_REASONS: ReadonlySet<string> = new Set(Object.values(CONDITION_REASONS));

/** Values of the `outcome` label of mixpanel_dataflow_run_records_total. */
export const RECORD_OUTCOMES = ['read', 'written', 'failed'] as const;

/** What the metrics need to know about a CR after a reconcile. */
export interface DataflowState {
  uid: string;
  namespace: string;
  name: string;
  /** The CR's Kubernetes labels; only allowlisted ones are exported. */
  labels?: Readonly<Record<string, string>>;
  spec: MixpanelDataflowSpec;
  status?: MixpanelDataflowStatus;
}

interface Entry {
  state: DataflowState;
  newest?: ObservedRun;
  lastSuccessAtMs?: number | null;
}

/** The dataflow metrics and their inputs. */
export interface DataflowMetrics {
  /** The engine's run observer: counts runs, remembers the newest run and the last success. */
  runs: RunObserver;
  /** Records a CR's spec and status; call before each reconcile (the poll needs the CR) and after it. */
  observe(state: DataflowState): void;
  /** Drops every series of a CR (deleted, or no longer watched). */
  forget(ref: { namespace: string; name: string }): void;
  /** Every metric, for registering. */
  metrics: Metric[];
}

const key = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;
const seconds = (iso: string | undefined): number | undefined => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isFinite(t) ? t / 1000 : undefined;
};

/** Options of createDataflowMetrics. */
export interface DataflowMetricsOptions {
  /** Kubernetes labels exported on mixpanel_dataflow_labels (`--metric-labels-allowlist`). */
  labelsAllowlist?: readonly AllowedLabel[];
}

/** Creates the metrics (unregistered: the caller registers `metrics`). */
export function createDataflowMetrics(opts: DataflowMetricsOptions = {}): DataflowMetrics {
  const allowed = opts.labelsAllowlist ?? [];
  const entries = new Map<string, Entry>();
  const registers: never[] = [];
  const each = (fn: (e: Entry, l: { namespace: string; name: string }) => void) => () => {
    for (const e of entries.values()) fn(e, { namespace: e.state.namespace, name: e.state.name });
  };
  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    fill: (g: Gauge, e: Entry, l: { namespace: string; name: string }) => void,
  ): Gauge => {
    const g: Gauge = new Gauge({
      name,
      help,
      labelNames: ['namespace', 'name', ...labelNames],
      registers,
      collect() {
        g.reset();
        each((e, l) => fill(g, e, l))();
      },
    });
    return g;
  };

  const gauges = [
    gauge(
      'mixpanel_dataflow_info',
      'Information about a MixpanelDataflow: its sandbox and Flow Service flow id (empty until created)',
      ['sandbox', 'flow_id'],
      (g, e, l) =>
        g.set({ ...l, sandbox: e.state.spec.platform.sandbox, flow_id: e.state.status?.flow?.id ?? '' }, 1),
    ),
    gauge(
      'mixpanel_dataflow_labels',
      'Kubernetes labels of a MixpanelDataflow, those in --metric-labels-allowlist, as label_<key> (kube-state-metrics kube_*_labels); 1 for every dataflow, so alert rules can join it',
      allowed.map((a) => a.promLabel),
      (g, e, l) => {
        const labels: Record<string, string> = { ...l };
        for (const a of allowed) labels[a.promLabel] = e.state.labels?.[a.key] ?? '';
        g.set(labels, 1);
      },
    ),
    gauge(
      'mixpanel_dataflow_status_condition',
      'The status of each condition of a MixpanelDataflow: 1 for the current status, 0 for the others',
      ['type', 'status'],
      (g, e, l) => {
        for (const type of Object.values(CONDITION_TYPES)) {
          const current = e.state.status?.conditions?.find((c) => c.type === type)?.status ?? 'Unknown';
          for (const status of CONDITION_STATUSES) g.set({ ...l, type, status }, status === current ? 1 : 0);
        }
      },
    ),
    gauge(
      'mixpanel_dataflow_status_condition_reason',
      'The reason of each present condition of a MixpanelDataflow (1; one series per condition, its reason a fixed CamelCase constant)',
      ['type', 'reason'],
      (g, e, l) => {
        for (const c of e.state.status?.conditions ?? [])
          if (KNOWN_TYPES.has(c.type))
            g.set({ ...l, type: c.type, reason: KNOWN_REASONS.has(c.reason) ? c.reason : 'Other' }, 1);
      },
    ),
    gauge(
      'mixpanel_dataflow_enabled',
      'Whether the MixpanelDataflow asks for its flow to be enabled (spec.enabled)',
      [],
      (g, e, l) => g.set(l, e.state.spec.enabled === false ? 0 : 1),
    ),
    gauge(
      'mixpanel_dataflow_schedule_interval_seconds',
      'Seconds between scheduled runs (absent for frequency once)',
      [],
      (g, e, l) => {
        const s = scheduleIntervalSeconds(e.state.spec.schedule);
        if (s !== undefined) g.set(l, s);
      },
    ),
    gauge(
      'mixpanel_dataflow_schedule_start_timestamp_seconds',
      'When the schedule starts, spec.schedule.startTime (Unix time); the first run is due then',
      [],
      (g, e, l) => {
        const t = seconds(e.state.spec.schedule.startTime);
        if (t !== undefined) g.set(l, t);
      },
    ),
    gauge(
      'mixpanel_dataflow_last_run_status',
      'Status of the newest run: 1 for the current one of success, partialSuccess, failed and inProgress',
      ['status'],
      (g, e, l) => {
        const current = e.newest?.status ?? e.state.status?.lastRun?.status;
        if (current === undefined) return;
        for (const status of RUN_STATUSES) g.set({ ...l, status }, status === current ? 1 : 0);
      },
    ),
    gauge(
      'mixpanel_dataflow_last_run_start_timestamp_seconds',
      'When the newest run started (Unix time)',
      [],
      (g, e, l) => {
        const t = e.newest?.startedAtMs !== undefined ? e.newest.startedAtMs / 1000 : undefined;
        const v = t ?? seconds(e.state.status?.lastRun?.startedAt);
        if (v !== undefined) g.set(l, v);
      },
    ),
    gauge(
      'mixpanel_dataflow_last_run_duration_seconds',
      'Duration of the newest finished run (status.lastRun)',
      [],
      (g, e, l) => {
        const start = seconds(e.state.status?.lastRun?.startedAt);
        const end = seconds(e.state.status?.lastRun?.completedAt);
        if (start !== undefined && end !== undefined) g.set(l, Math.max(0, end - start));
      },
    ),
    gauge(
      'mixpanel_dataflow_last_successful_run_timestamp_seconds',
      'When the newest successful run completed (Unix time); absent while unknown or never',
      [],
      (g, e, l) => {
        if (typeof e.lastSuccessAtMs === 'number') g.set(l, e.lastSuccessAtMs / 1000);
      },
    ),
  ];

  const runsTotal = new Counter({
    name: 'mixpanel_dataflow_runs_total',
    help: 'Finished runs of the dataflow, each counted once when it is first seen finished',
    labelNames: ['namespace', 'name', 'status'],
    registers,
  });
  const recordsTotal = new Counter({
    name: 'mixpanel_dataflow_run_records_total',
    help: 'Records of finished runs, by outcome: read from Mixpanel, written to the dataset, failed',
    labelNames: ['namespace', 'name', 'outcome'],
    registers,
  });

  const initCounters = (l: { namespace: string; name: string }) => {
    for (const status of FINISHED) runsTotal.inc({ ...l, status }, 0);
    for (const outcome of RECORD_OUTCOMES) recordsTotal.inc({ ...l, outcome }, 0);
  };

  const runs: RunObserver = {
    onPoll: (ref: DataflowRef, poll: RunPoll) => {
      const l = { namespace: ref.namespace, name: ref.name };
      initCounters(l);
      for (const r of poll.accounted) {
        runsTotal.inc({ ...l, status: r.status });
        recordsTotal.inc({ ...l, outcome: 'read' }, r.recordsRead ?? 0);
        recordsTotal.inc({ ...l, outcome: 'written' }, r.recordsWritten ?? 0);
        recordsTotal.inc({ ...l, outcome: 'failed' }, r.recordsFailed ?? 0);
      }
      const known = entries.get(key(ref));
      if (!known || known.state.uid !== ref.uid) return; // observe() precedes every reconcile
      const e: Entry = { ...known };
      if (poll.newest) e.newest = poll.newest;
      else delete e.newest; // nothing newer than the cursor: status.lastRun is the newest
      if (poll.lastSuccessAtMs !== undefined) e.lastSuccessAtMs = poll.lastSuccessAtMs;
      entries.set(key(ref), e);
    },
    knownLastSuccessAtMs: (uid) => {
      for (const e of entries.values()) if (e.state.uid === uid) return e.lastSuccessAtMs;
      return undefined;
    },
  };

  return {
    runs,
    observe: (state) => {
      const k = key(state);
      const before = entries.get(k);
      // A CR recreated under the same name starts over (its cursor and last success are new).
      const same = before?.state.uid === state.uid;
      entries.set(k, { ...(same ? before : {}), state });
      initCounters({ namespace: state.namespace, name: state.name });
    },
    forget: (ref) => {
      entries.delete(key(ref));
      const l = { namespace: ref.namespace, name: ref.name };
      for (const status of FINISHED) runsTotal.remove({ ...l, status });
      for (const outcome of RECORD_OUTCOMES) recordsTotal.remove({ ...l, outcome });
    },
    metrics: [...gauges, runsTotal, recordsTotal],
  };
}
