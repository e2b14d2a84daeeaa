/**
 * The /metrics exposition built from the runtime's registry plus the monitoring metrics: values
 * follow the CR and the run polls, deleted CRs leave no series, and `promtool check metrics`
 * accepts the output (after filtering prom-client's three `_total` gauges, which it rejects).
 */
import { describe, expect, it } from '@jest/globals';
import { createMetrics } from '../../controller/metrics/metrics.js';
import { createMonitoringMetrics } from '../../controller/metrics/monitoring.js';
import type { DataflowState } from '../../controller/metrics/dataflow-metrics.js';
import { parseLabelsAllowlist } from '../../controller/metrics/label-allowlist.js';
import type { ObservedRun } from '../../controller/reconcile/index.js';
import { LINT_EXEMPT_FAMILIES, promtool, samples, withoutExemptFamilies } from './promtool.js';

const T0 = Date.parse('2026-11-29T03:00:00Z');

function setup() {
  const runtime = createMetrics({
    controller: 'mixpaneldataflow',
    maxConcurrentReconciles: 4,
    leaseName: 'mixpanel-dataflow-controller',
    processMetrics: true,
  });
  const monitoring = createMonitoringMetrics();
  monitoring.register(runtime.registry);
  return { runtime, monitoring, scrape: () => runtime.registry.metrics() };
}

const state = (over: Partial<DataflowState> = {}): DataflowState => ({
  uid: 'uid-1',
  namespace: 'analytics',
  name: 'events',
  spec: {
    platform: { sandbox: 'prod', credentialsSecretRef: { name: 'aep' } },
    source: { projectId: '1', timezone: 'UTC', credentialsSecretRef: { name: 'mp' } },
    target: { datasetId: 'ds', schemaId: 'sc' },
    mappings: [{ source: 'a', destination: 'b' }],
    schedule: { frequency: 'hour', interval: 2 },
  },
  status: {
    flow: { id: 'flow-123' },
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Available',
        message: '',
        lastTransitionTime: '2026-11-29T00:00:00Z',
      },
      {
        type: 'Healthy',
        status: 'False',
        reason: 'RunFailed',
        message: '',
        lastTransitionTime: '2026-11-29T00:00:00Z',
      },
    ],
    lastRun: {
      id: 'run-2',
      status: 'failed',
      startedAt: new Date(T0 + 60_000).toISOString(),
      completedAt: new Date(T0 + 150_000).toISOString(),
    },
  },
  ...over,
});

const run = (
  id: string,
  status: ObservedRun['status'],
  read: number,
  written: number,
  failed: number,
): ObservedRun => ({
  id,
  status,
  startedAtMs: T0,
  ...(status !== 'inProgress' ? { completedAtMs: T0 + 30_000 } : {}),
  recordsRead: read,
  recordsWritten: written,
  recordsFailed: failed,
  errors: [],
});

const ref = { uid: 'uid-1', namespace: 'analytics', name: 'events' };
const L = 'namespace="analytics",name="events"';

describe('the metrics exposition', () => {
  it('shows each dataflow’s conditions, schedule, last run and run counts', async () => {
    const { monitoring, scrape } = setup();
    monitoring.dataflows.observe(state());
    monitoring.dataflows.runs.onPoll(ref, {
      accounted: [run('run-1', 'success', 50, 45, 5), run('run-2', 'failed', 40, 0, 40)],
      newest: run('run-3', 'inProgress', 0, 0, 0),
      lastSuccessAtMs: T0 + 30_000,
    });
    const s = samples(await scrape());
    expect(s.get(`mixpanel_dataflow_info{${L},sandbox="prod",flow_id="flow-123"}`)).toBe(1);
    expect(s.get(`mixpanel_dataflow_status_condition{${L},type="Ready",status="True"}`)).toBe(1);
    expect(s.get(`mixpanel_dataflow_status_condition{${L},type="Ready",status="False"}`)).toBe(0);
    expect(s.get(`mixpanel_dataflow_status_condition{${L},type="Healthy",status="False"}`)).toBe(1);
    expect(s.get(`mixpanel_dataflow_status_condition{${L},type="Synced",status="Unknown"}`)).toBe(1);
    expect(s.get(`mixpanel_dataflow_status_condition_reason{${L},type="Healthy",reason="RunFailed"}`)).toBe(
      1,
    );
    expect(s.get(`mixpanel_dataflow_enabled{${L}}`)).toBe(1);
    expect(s.get(`mixpanel_dataflow_schedule_interval_seconds{${L}}`)).toBe(7200);
    expect(s.get(`mixpanel_dataflow_last_run_status{${L},status="inProgress"}`)).toBe(1);
    expect(s.get(`mixpanel_dataflow_last_run_status{${L},status="failed"}`)).toBe(0);
    expect(s.get(`mixpanel_dataflow_last_run_start_timestamp_seconds{${L}}`)).toBe(T0 / 1000);
    expect(s.get(`mixpanel_dataflow_last_run_duration_seconds{${L}}`)).toBe(90);
    expect(s.get(`mixpanel_dataflow_last_successful_run_timestamp_seconds{${L}}`)).toBe(T0 / 1000 + 30);
    expect(s.get(`mixpanel_dataflow_runs_total{${L},status="success"}`)).toBe(1);
    expect(s.get(`mixpanel_dataflow_runs_total{${L},status="failed"}`)).toBe(1);
    expect(s.get(`mixpanel_dataflow_run_records_total{${L},outcome="read"}`)).toBe(90);
    expect(s.get(`mixpanel_dataflow_run_records_total{${L},outcome="written"}`)).toBe(45);
    expect(s.get(`mixpanel_dataflow_run_records_total{${L},outcome="failed"}`)).toBe(45);
  });

  it('exports only allowlisted Kubernetes labels as label_<key>, empty when a dataflow lacks one', async () => {
    const runtime = createMetrics({
      controller: 'mixpaneldataflow',
      maxConcurrentReconciles: 1,
      leaseName: 'l',
    });
    const monitoring = createMonitoringMetrics({
      labelsAllowlist: parseLabelsAllowlist('mixpaneldataflows=[team,app.kubernetes.io/part-of]'),
    });
    monitoring.register(runtime.registry);
    monitoring.dataflows.observe(
      state({ labels: { team: 'growth', secret: 'x', 'app.kubernetes.io/part-of': 'web' } }),
    );
    monitoring.dataflows.observe(state({ uid: 'uid-2', name: 'other' }));
    const s = samples(await runtime.registry.metrics());
    expect(
      s.get(`mixpanel_dataflow_labels{${L},label_team="growth",label_app_kubernetes_io_part_of="web"}`),
    ).toBe(1);
    expect(
      s.get(
        'mixpanel_dataflow_labels{namespace="analytics",name="other",label_team="",label_app_kubernetes_io_part_of=""}',
      ),
    ).toBe(1);
    expect([...s.keys()].filter((k) => k.includes('secret'))).toEqual([]);
    // Without an allowlist every dataflow still has its one series, so rules can join it.
    const plain = setup();
    plain.monitoring.dataflows.observe(state({ labels: { team: 'growth' } }));
    expect(samples(await plain.scrape()).get(`mixpanel_dataflow_labels{${L}}`)).toBe(1);
  });

  it('exports the schedule start time', async () => {
    const { monitoring, scrape } = setup();
    const base = state();
    monitoring.dataflows.observe({
      ...base,
      spec: { ...base.spec, schedule: { frequency: 'hour', interval: 2, startTime: '2026-12-01T00:00:00Z' } },
    });
    expect(samples(await scrape()).get(`mixpanel_dataflow_schedule_start_timestamp_seconds{${L}}`)).toBe(
      Date.parse('2026-12-01T00:00:00Z') / 1000,
    );
  });

  it('falls back to status.lastRun once no run newer than the cursor exists', async () => {
    const { monitoring, scrape } = setup();
    monitoring.dataflows.observe(state());
    monitoring.dataflows.runs.onPoll(ref, { accounted: [] });
    const s = samples(await scrape());
    expect(s.get(`mixpanel_dataflow_last_run_status{${L},status="failed"}`)).toBe(1);
    expect(s.get(`mixpanel_dataflow_last_run_start_timestamp_seconds{${L}}`)).toBe(T0 / 1000 + 60);
    // Unknown last success: no series rather than a made-up time.
    expect([...s.keys()].some((k) => k.startsWith('mixpanel_dataflow_last_successful_run'))).toBe(false);
  });

  it('drops every series of a deleted dataflow and keeps the others', async () => {
    const { monitoring, scrape } = setup();
    monitoring.dataflows.observe(state());
    monitoring.dataflows.observe(state({ uid: 'uid-2', name: 'other' }));
    monitoring.dataflows.runs.onPoll(ref, { accounted: [run('run-1', 'success', 1, 1, 0)] });
    monitoring.dataflows.forget(ref);
    const text = await scrape();
    expect(text).not.toContain('name="events"');
    expect(text).toContain('mixpanel_dataflow_info{namespace="analytics",name="other"');
    expect(
      samples(text).get('mixpanel_dataflow_runs_total{namespace="analytics",name="other",status="success"}'),
    ).toBe(0);
  });

  it('counts Flow Service requests by operation, method and code, throttling and token refreshes', async () => {
    const { monitoring, scrape } = setup();
    const o = monitoring.flowService.observer;
    o.onRequest({ operation: 'runs.list', method: 'GET', status: 200, durationMs: 120, attempt: 0 });
    o.onRequest({
      operation: 'flows.get',
      method: 'GET',
      status: 429,
      code: 'FLOWSERVICE_RATE_LIMITED',
      durationMs: 5,
      attempt: 0,
    });
    o.onRequest({
      operation: 'flows.get',
      method: 'GET',
      code: 'FLOWSERVICE_NETWORK',
      durationMs: 5,
      attempt: 1,
    });
    o.onThrottled({ operation: 'flows.get', reason: 'retry-after', waitMs: 2000 });
    o.onTokenRefresh({ result: 'success', durationMs: 40 });
    const s = samples(await scrape());
    expect(s.get('flowservice_requests_total{operation="runs.list",method="GET",code="200"}')).toBe(1);
    expect(s.get('flowservice_requests_total{operation="flows.get",method="GET",code="429"}')).toBe(1);
    expect(s.get('flowservice_requests_total{operation="flows.get",method="GET",code="network"}')).toBe(1);
    expect(s.get('flowservice_request_duration_seconds_count{operation="runs.list",method="GET"}')).toBe(1);
    expect(s.get('flowservice_throttled_total{reason="retry-after"}')).toBe(1);
    expect(s.get('flowservice_throttled_total{reason="rate-limit"}')).toBe(0);
    expect(s.get('flowservice_throttled_wait_seconds_total{reason="retry-after"}')).toBe(2);
    expect(s.get('flowservice_token_refreshes_total{result="success"}')).toBe(1);
    expect(s.get('flowservice_token_refreshes_total{result="failure"}')).toBe(0);
  });

  it('passes promtool check metrics, except for the three prom-client gauges named _total', async () => {
    const { monitoring, runtime, scrape } = setup();
    monitoring.dataflows.observe(state());
    monitoring.dataflows.runs.onPoll(ref, {
      accounted: [run('run-1', 'success', 1, 1, 0)],
      lastSuccessAtMs: T0,
    });
    monitoring.flowService.observer.onRequest({
      operation: 'runs.list',
      method: 'GET',
      status: 200,
      durationMs: 1,
      attempt: 0,
    });
    runtime.controller.reconciled('success', 0.2);
    const text = await scrape();
    const filtered = await promtool(['check', 'metrics'], withoutExemptFamilies(text));
    expect(filtered).toMatchObject({ code: 0 });
    const raw = await promtool(['check', 'metrics'], text);
    expect(raw.code).toBe(3);
    const flagged = [...`${raw.stdout}${raw.stderr}`.matchAll(/^(\S+) non-counter metrics/gm)].map(
      (m) => m[1],
    );
    expect(flagged.sort()).toEqual([...LINT_EXEMPT_FAMILIES].sort());
  });
});
