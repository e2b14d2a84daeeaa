/**
 * Per-dataflow metrics of local mode, registered next to the controller-runtime metrics in the
 * same registry: conditions as 0/1 gauges and the newest run's outcome and record counts, so a
 * scrape shows runs appearing as the simulator produces them.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RunStatus } from '../api/index.js';

/** Metric names (one place, so dashboards and tests agree). */
export const LOCAL_METRIC_NAMES = {
  condition: 'mixpaneldataflow_status_condition',
  runs: 'mixpaneldataflow_runs_observed_total',
  records: 'mixpaneldataflow_last_run_records',
  lastRun: 'mixpaneldataflow_last_run_completed_timestamp_seconds',
} as const;

/** Hooks local mode calls. */
export interface LocalMetrics {
  /** Sets a condition gauge (1 when status is True). */
  condition(namespace: string, name: string, type: string, isTrue: boolean): void;
  /** Counts a run seen for the first time in a final state, and exports its records. */
  run(namespace: string, name: string, run: RunStatus): void;
  /** Drops every series of a deleted dataflow. */
  forget(namespace: string, name: string): Promise<void>;
}

/** Registers the metrics on `registry`. */
export function createLocalMetrics(registry: Registry): LocalMetrics {
  const registers = [registry];
  const condition = new Gauge({
    name: LOCAL_METRIC_NAMES.condition,
    help: 'Status conditions of each MixpanelDataflow (1 when the condition is True)',
    labelNames: ['namespace', 'name', 'type'],
    registers,
  });
  const runs = new Counter({
    name: LOCAL_METRIC_NAMES.runs,
    help: 'Flow runs observed in a final state, by status',
    labelNames: ['namespace', 'name', 'status'],
    registers,
  });
  const records = new Gauge({
    name: LOCAL_METRIC_NAMES.records,
    help: 'Records of the newest finished run (read, written, failed)',
    labelNames: ['namespace', 'name', 'kind'],
    registers,
  });
  const lastRun = new Gauge({
    name: LOCAL_METRIC_NAMES.lastRun,
    help: 'Completion time of the newest finished run',
    labelNames: ['namespace', 'name'],
    registers,
  });
  const counted = new Set<string>();
  return {
    condition: (namespace, name, type, isTrue) => condition.set({ namespace, name, type }, isTrue ? 1 : 0),
    run: (namespace, name, r) => {
      if (!r.completedAt || counted.has(r.id)) return;
      counted.add(r.id);
      runs.inc({ namespace, name, status: r.status ?? 'unknown' });
      records.set({ namespace, name, kind: 'read' }, r.recordsRead ?? 0);
      records.set({ namespace, name, kind: 'written' }, r.recordsWritten ?? 0);
      records.set({ namespace, name, kind: 'failed' }, r.recordsFailed ?? 0);
      lastRun.set({ namespace, name }, Date.parse(r.completedAt) / 1000);
    },
    forget: async (namespace, name) => {
      for (const m of [condition, runs, records, lastRun] as Array<Gauge | Counter>) {
        const { values } = await m.get();
        for (const v of values)
          if (v.labels['namespace'] === namespace && v.labels['name'] === name) m.remove(v.labels as never);
      }
    },
  };
}
