/**
 * The Grafana dashboard (charts/.../files/dashboard.json): every query is valid PromQL (promtool
 * parses it as a recording rule) and references only metric names the controller exports, so a
 * renamed metric cannot leave a silently empty panel.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createMetrics } from '../../controller/metrics/metrics.js';
import { createMonitoringMetrics } from '../../controller/metrics/monitoring.js';
import { allPanels, concrete, dashboard, queries } from './dashboard-queries.js';
import { promtool } from './promtool.js';

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
]);

/** Metric names a PromQL expression selects. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...stripped.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\s*(\()?/g)]
    .filter((m) => !m[2] && !KEYWORDS.has(m[1]!))
    .map((m) => m[1]!);
}

/** Series names the controller's /metrics can contain (histograms with their suffixes). */
async function exportedNames(): Promise<Set<string>> {
  const runtime = createMetrics({
    controller: 'mixpaneldataflow',
    maxConcurrentReconciles: 1,
    leaseName: 'l',
    processMetrics: true,
  });
  createMonitoringMetrics().register(runtime.registry);
  const text = await runtime.registry.metrics();
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${name}${s}`);
  }
  return names;
}

describe('the Grafana dashboard', () => {
  it('queries only metric names the controller exports', async () => {
    const exported = await exportedNames();
    const used = new Set(queries().flatMap((q) => metricNames(concrete(q))));
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((n) => !exported.has(n))).toEqual([]);
  });

  it('reads every metric name when extracting them from a query', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le) (rate(workqueue_queue_duration_seconds_bucket{controller="x"}[5m]))) / on (a) up',
      ),
    ).toEqual(['workqueue_queue_duration_seconds_bucket', 'up']);
  });

  it('holds only queries promtool accepts as PromQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    try {
      const rules = queries().map((q, i) => ({ record: `dashboard:query_${i}`, expr: concrete(q) }));
      writeFileSync(join(dir, 'queries.yaml'), stringify({ groups: [{ name: 'dashboard', rules }] }));
      const r = await promtool(['check', 'rules', join(dir, 'queries.yaml')]);
      expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('covers the fleet, per-dataflow runs and records, the controller and Flow Service', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Fleet overview', 'Per dataflow runs and records', 'Controller', 'Flow Service']);
    const titles = allPanels(dashboard.panels).map((p) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Ready',
        'Healthy',
        'Failing dataflows',
        'Records per hour by outcome',
        'Reconcile latency',
        'Work queue',
        'Throttling',
      ]),
    );
  });
});
