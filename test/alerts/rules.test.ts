/**
 * The alert rules: `promtool check rules` and `promtool test rules` pass; every alert carries a
 * severity, summary, description and a runbook_url whose anchor is a section of docs/runbooks.md;
 * every alert has a promtool test case where it fires and one where it does not.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { promtool, REPO_ROOT, RULES_FILE } from '../metrics/promtool.js';

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

/** GitHub's heading anchors: lower-case, spaces to dashes, punctuation dropped. */
const anchors = (markdown: string) =>
  new Set(
    [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, '')
        .replace(/ /g, '-'),
    ),
  );

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
    const sections = anchors(read(RUNBOOKS));
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
});
