/**
 * The controller's own monitoring metrics (dataflow health and Flow Service calls), added to the
 * registry the runtime serves on /metrics next to its controller-runtime and workqueue metrics.
 */
import type { Registry } from 'prom-client';
import {
  createDataflowMetrics,
  type DataflowMetrics,
  type DataflowMetricsOptions,
  type DataflowState,
} from './dataflow-metrics.js';
import { createFlowServiceMetrics, type FlowServiceMetrics } from './flowservice-metrics.js';

/** Dataflow and Flow Service metrics, registered once with `register`. */
export interface MonitoringMetrics {
  dataflows: DataflowMetrics;
  flowService: FlowServiceMetrics;
  /** Adds every metric to the registry served on /metrics. */
  register(registry: Registry): void;
}

/** Creates the monitoring metrics. */
export function createMonitoringMetrics(opts: DataflowMetricsOptions = {}): MonitoringMetrics {
  const dataflows = createDataflowMetrics(opts);
  const flowService = createFlowServiceMetrics();
  return {
    dataflows,
    flowService,
    register: (registry) => {
      for (const m of [...dataflows.metrics, ...flowService.metrics]) registry.registerMetric(m);
    },
  };
}

/** What a reconcile function takes and returns, as far as the metrics care. */
interface Reconciled {
  status: DataflowState['status'];
  deletionComplete: boolean;
}

/**
 * Wraps an engine call so the dataflow metrics see each CR before (the run poll needs it) and
 * after every reconcile, and forget it once its deletion completes.
 */
export function observeReconcile<R extends Reconciled>(
  dataflows: DataflowMetrics,
  object: DataflowState,
  run: () => Promise<R>,
): Promise<R> {
  dataflows.observe(object);
  return run().then((result) => {
    if (result.deletionComplete) dataflows.forget(object);
    else dataflows.observe({ ...object, status: result.status });
    return result;
  });
}
