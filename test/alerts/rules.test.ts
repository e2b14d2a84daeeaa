/**
 * The alert rules: `promtool check rules` and `promtool test rules` pass; every alert carries a
 * severity, summary, description and a runbook_url whose anchor is a section of docs/runbooks.md;
 * every alert has a promtool test case where it fires and one where it does not.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { TERMINAL_REASONS } from '../../controller/reconcile/conditions.js';
import { promtool, REPO_ROOT, RULES_FILE } from '../metrics/promtool.js';
import { runbookAnchors } from './support/alert-waits.js';
import { alertsOf, chartRules, durationSeconds, scaleRules } from './support/chart-rules.js';

const TESTS_FILE = 'test/alerts/prometheus-rules.test.yaml';
const RUNBOOKS = 'docs/runbooks.md';
const SEVERITIES = ['critical', 'warning', 'info'];

interface Rule {
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleTests {
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const alerts = (): Rule[] =>
  (parse(read(RULES_FILE)) as { groups: { rules: Rule[] }[] }).groups
    .flatMap((g) => g.rules)
    .filter((r) => r.alert);

/** The join every per-dataflow alert ends in (the chart rewrites it to copy routing labels). */
const LABELS_JOIN = '* on (namespace, name) group_left() max by (namespace, name) (mixpanel_dataflow_labels)';
const CONTROLLER_WIDE = [
  'MixpanelDataflowControllerReconcileErrors',
  'MixpanelDataflowControllerDown',
  'FlowServiceUnavailable',
  'FlowServiceThrottled',
  'FlowServiceRequestBudgetSaturated',
];

describe('alert rules', () => {
  it('pass promtool check rules', async () => {
    const r = await promtool(['check', 'rules', RULES_FILE]);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('pass their promtool unit tests', async () => {
    const r = await promtool(['test', 'rules', TESTS_FILE]);
    expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('include the alerts the issue asks for', () => {
    expect(alerts().map((a) => a.alert)).toEqual(
      expect.arrayContaining([
        'MixpanelDataflowNotReady',
        'MixpanelDataflowSyncBlocked',
        'MixpanelDataflowNotSynced',
        'MixpanelDataflowDrifted',
        'MixpanelDataflowNoRunsYet',
        'FlowServiceUnavailable',
        'MixpanelDataflowRunFailed',
        'MixpanelDataflowStale',
        'MixpanelDataflowRecordsFailing',
        'MixpanelDataflowControllerReconcileErrors',
        'MixpanelDataflowControllerDown',
        'FlowServiceThrottled',
      ]),
    );
  });

  it('give every alert a severity, summary, description and a runbook section that exists', () => {
    const sections = runbookAnchors();
    for (const a of alerts()) {
      expect({ alert: a.alert, severity: SEVERITIES.includes(a.labels?.severity ?? '') }).toEqual({
        alert: a.alert,
        severity: true,
      });
      expect(a.annotations?.summary).toMatch(/\.$/);
      expect(a.annotations?.description?.length).toBeGreaterThan(20);
      const url = a.annotations?.runbook_url ?? '';
      expect(url).toMatch(new RegExp(`/${RUNBOOKS.replace('.', '\\.')}#`));
      const anchor = url.split('#')[1]!;
      expect({ alert: a.alert, anchor, found: sections.has(anchor) }).toEqual({
        alert: a.alert,
        anchor,
        found: true,
      });
      expect(anchor).toBe(a.alert!.toLowerCase());
    }
  });

  it('test every alert both firing and not firing', () => {
    const cases = (parse(read(TESTS_FILE)) as RuleTests).tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const a of alerts()) {
      const mine = cases.filter((c) => c.alertname === a.alert);
      expect({ alert: a.alert, fires: mine.some((c) => c.exp_alerts.length > 0) }).toEqual({
        alert: a.alert,
        fires: true,
      });
      expect({ alert: a.alert, quiet: mine.some((c) => c.exp_alerts.length === 0) }).toEqual({
        alert: a.alert,
        quiet: true,
      });
    }
  });

  it('join mixpanel_dataflow_labels in every per-dataflow alert, so routing labels can reach them', () => {
    for (const a of alerts())
      expect({ alert: a.alert, joins: a.expr.includes(LABELS_JOIN) }).toEqual({
        alert: a.alert,
        joins: !CONTROLLER_WIDE.includes(a.alert!),
      });
  });

  it("treat exactly the engine's terminal Synced reasons as blocked", () => {
    const blocked = alerts().find((a) => a.alert === 'MixpanelDataflowSyncBlocked')!;
    const reasons = /reason=~"([^"]+)"/.exec(blocked.expr)![1]!.split('|');
    expect([...reasons].sort()).toEqual([...TERMINAL_REASONS].sort());
    // NotReady defers to SyncBlocked and NotSynced leaves these reasons (and a pause) to it.
    for (const name of ['MixpanelDataflowNotReady', 'MixpanelDataflowNotSynced'])
      expect(alerts().find((a) => a.alert === name)!.expr).toContain(reasons.join('|'));
  });

  it('render from the chart with the routing labels, extra labels and runbook base from values', async () => {
    const rendered = await chartRules({
      'metrics.labelsAllowlist': ['team', 'app.kubernetes.io/part-of'],
      'prometheusRule.dataflowLabels': ['team', 'app.kubernetes.io/part-of'],
      'prometheusRule.extraLabels': { cluster: 'prod-eu' },
      'prometheusRule.runbookUrl': 'https://wiki.example.com/oncall/mixpanel',
    });
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(join(dir, 'rules.yaml'), stringify(rendered));
    const check = await promtool(['check', 'rules', join(dir, 'rules.yaml')]);
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    // promtool evaluates the rendered rule: the Kubernetes label arrives as team, label_team is gone.
    const labels = 'namespace="analytics",name="events"';
    const test = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            {
              series: `mixpanel_dataflow_labels{${labels},label_team="growth",label_app_kubernetes_io_part_of="web"}`,
              values: '1x20',
            },
            {
              series: `mixpanel_dataflow_status_condition_reason{${labels},type="Healthy",reason="RunFailed"}`,
              values: '1x20',
            },
            { series: 'controller_runtime_max_concurrent_reconciles{controller="other"}', values: '1x20' },
          ],
          alert_rule_test: [
            {
              eval_time: '10m',
              alertname: 'MixpanelDataflowRunFailed',
              exp_alerts: [
                {
                  exp_labels: {
                    severity: 'warning',
                    namespace: 'analytics',
                    name: 'events',
                    team: 'growth',
                    app_kubernetes_io_part_of: 'web',
                    cluster: 'prod-eu',
                  },
                  exp_annotations: {
                    ...alertsOf(rendered).find((a) => a.alert === 'MixpanelDataflowRunFailed')!.annotations,
                    description: expect.anything(),
                  },
                },
              ],
            },
            {
              eval_time: '10m',
              alertname: 'MixpanelDataflowControllerDown',
              exp_alerts: [
                {
                  exp_labels: { severity: 'critical', cluster: 'prod-eu', controller: 'mixpaneldataflow' },
                  exp_annotations: alertsOf(rendered).find(
                    (a) => a.alert === 'MixpanelDataflowControllerDown',
                  )!.annotations,
                },
              ],
            },
          ],
        },
      ],
    };
    const runFailed = alertsOf(rendered).find((a) => a.alert === 'MixpanelDataflowRunFailed')!;
    expect(runFailed.annotations?.runbook_url).toBe(
      'https://wiki.example.com/oncall/mixpanel#mixpaneldataflowrunfailed',
    );
    const alertTest = test.tests[0]!.alert_rule_test[0]!.exp_alerts[0]! as {
      exp_annotations: Record<string, unknown>;
    };
    alertTest.exp_annotations = {
      summary: runFailed.annotations!.summary,
      description:
        "The newest finished run of MixpanelDataflow analytics/events failed; the Healthy condition and a RunFailed event carry Adobe's error. It stays failed until a run succeeds.",
      runbook_url: runFailed.annotations!.runbook_url,
    };
    writeFileSync(join(dir, 'test.yaml'), stringify(test));
    const r = await promtool(['test', 'rules', join(dir, 'test.yaml')]);
    expect({ code: r.code, out: r.stdout + r.stderr }).toEqual({
      code: 0,
      out: expect.stringContaining('SUCCESS'),
    });
  });

  it('refuse routing labels that are not allowlisted', async () => {
    await expect(chartRules({ 'prometheusRule.dataflowLabels': ['team'] })).rejects.toThrow(
      'prometheusRule.dataflowLabels: "team" must also be in metrics.labelsAllowlist',
    );
  });

  it('scale every duration of the rules by one factor for the end-to-end test', () => {
    const scaled = scaleRules(
      {
        groups: [
          {
            name: 'g',
            rules: [{ alert: 'A', expr: 'rate(x[15m]) > 0 and increase(y[6h]) > 0', for: '1h30m' }],
          },
        ],
      },
      60,
    );
    expect(scaled.groups[0]!.rules[0]).toEqual({
      alert: 'A',
      expr: 'rate(x[15s]) > 0 and increase(y[360s]) > 0',
      for: '90s',
    });
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(() =>
      scaleRules({ groups: [{ name: 'g', rules: [{ alert: 'B', expr: 'x offset 5m' }] }] }, 60),
    ).toThrow('offset');
  });
});
