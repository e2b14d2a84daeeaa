/**
 * Every Prometheus metric the controller exports, declared in one place (controller-runtime
 * `pkg/internal/controller/metrics/metrics.go` and `pkg/metrics/workqueue.go`, same names,
 * labels and buckets, so existing controller-runtime dashboards and alerts work unchanged).
 * Known label combinations are created at 0, so a missing series never hides a problem.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ControllerMetrics, ReconcileResultLabel } from '../runtime/controller.js';
import { RECONCILE_RESULTS } from '../runtime/controller.js';
import type { QueueMetrics } from '../runtime/workqueue.js';

/** controller-runtime's reconcile_time_seconds buckets. */
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
  1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
/** client-go workqueue buckets: ExponentialBuckets(10e-9, 10, 12) = 1e-8 … 1e3 s. */
const QUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);

/** The controller's metrics and the registry serving them. */
export interface ControllerMetricSet {
  registry: Registry;
  controller: ControllerMetrics;
  queue: QueueMetrics;
  /** Sets `leader_election_master_status{name}`. */
  leader(leading: boolean): void;
  /** Samples the in-flight gauges (call before each scrape). */
  sampleUnfinished(sample: { longestSeconds: number; totalSeconds: number }): void;
}

/** Options of createMetrics. */
export interface MetricsOptions {
  /** `controller` label (controller-runtime: lower-case kind) and workqueue `name`. */
  controller: string;
  maxConcurrentReconciles: number;
  /** Lease name for leader_election_master_status. */
  leaseName: string;
  /** Include Node.js process metrics (off in unit tests). */
  processMetrics?: boolean;
}

/** Creates the registry with every metric at its initial value. */
export function createMetrics(opts: MetricsOptions): ControllerMetricSet {
  const registry = new Registry();
  const controller = opts.controller;
  const registers = [registry];
  const reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'],
    registers,
  });
  const reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'],
    registers,
  });
  const terminalErrors = new Counter({
    name: 'controller_runtime_terminal_reconcile_errors_total',
    help: 'Total number of terminal reconciliation errors per controller',
    labelNames: ['controller'],
    registers,
  });
  const reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'],
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  const maxConcurrent = new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'],
    registers,
  });
  const activeWorkers = new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'],
    registers,
  });
  const q = { name: controller, controller };
  const depth = new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue',
    labelNames: ['name', 'controller', 'priority'],
    registers,
  });
  const adds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name', 'controller'],
    registers,
  });
  const retries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name', 'controller'],
    registers,
  });
  const queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name', 'controller'],
    buckets: QUEUE_BUCKETS,
    registers,
  });
  const workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name', 'controller'],
    buckets: QUEUE_BUCKETS,
    registers,
  });
  const unfinished = new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads.",
    labelNames: ['name', 'controller'],
    registers,
  });
  const longest = new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running.',
    labelNames: ['name', 'controller'],
    registers,
  });
  const leaderStatus = new Gauge({
    name: 'leader_election_master_status',
    help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.",
    labelNames: ['name'],
    registers,
  });

  // Every known series starts at 0 (controller-runtime initMetrics).
  for (const result of Object.values(RECONCILE_RESULTS)) reconcileTotal.inc({ controller, result }, 0);
  reconcileErrors.inc({ controller }, 0);
  terminalErrors.inc({ controller }, 0);
  maxConcurrent.set({ controller }, opts.maxConcurrentReconciles);
  activeWorkers.set({ controller }, 0);
  depth.set({ ...q, priority: '' }, 0);
  adds.inc(q, 0);
  retries.inc(q, 0);
  unfinished.set(q, 0);
  longest.set(q, 0);
  leaderStatus.set({ name: opts.leaseName }, 0);
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });

  return {
    registry,
    controller: {
      reconciled: (result: ReconcileResultLabel, seconds: number) => {
        reconcileTotal.inc({ controller, result });
        reconcileTime.observe({ controller }, seconds);
      },
      errored: (terminal: boolean) => {
        reconcileErrors.inc({ controller });
        if (terminal) terminalErrors.inc({ controller });
      },
      activeWorkers: (n: number) => activeWorkers.set({ controller }, n),
    },
    queue: {
      depth: (n) => depth.set({ ...q, priority: '' }, n),
      added: () => adds.inc(q),
      retried: () => retries.inc(q),
      queued: (s) => queueDuration.observe(q, s),
      worked: (s) => workDuration.observe(q, s),
    },
    leader: (leading) => leaderStatus.set({ name: opts.leaseName }, leading ? 1 : 0),
    sampleUnfinished: ({ longestSeconds, totalSeconds }) => {
      unfinished.set(q, totalSeconds);
      longest.set(q, longestSeconds);
    },
  };
}
