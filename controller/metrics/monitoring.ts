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

/** The status and release sinks of a reconcile's context, as far as the metrics care. */
interface Sinks {
  writeStatus(status: NonNullable<DataflowState['status']>): Promise<void>;
  release(): Promise<void>;
}

/**
 * Wraps a reconcile's sinks so the dataflow metrics see each CR before it runs (the run poll needs
 * it), after every status write, and forget it once its deletion completes.
 */
export function observeReconcile<C extends Sinks>(
  dataflows: DataflowMetrics,
  object: DataflowState,
  ctx: C,
): C {
  dataflows.observe(object);
  return {
    ...ctx,
    writeStatus: async (status) => {
      await ctx.writeStatus(status);
      dataflows.observe({ ...object, status });
    },
    release: async () => {
      await ctx.release();
      dataflows.forget(object);
    },
  };
}
