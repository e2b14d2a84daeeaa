/**
 * The alert rules as a user's Prometheus gets them: the chart's PrometheusRule rendered by the real
 * helm with the given values, its `spec` as a plain rule file. `scaleRules` derives the fast
 * variant the end-to-end test loads: every duration in the rules (`for:` and PromQL range
 * selectors) divided by one factor, nothing else changed.
 */
import { only, renderChart } from '../../chart/support/chart.js';

/** One alerting or recording rule. */
export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
/** A rule file. */
export interface RuleFile {
  groups: { name: string; interval?: string; rules: Rule[] }[];
}

/** Renders the chart's PrometheusRule with `values` and returns its groups. */
export async function chartRules(values: Record<string, unknown> = {}): Promise<RuleFile> {
  const { objects } = await renderChart({ values: { 'prometheusRule.enabled': true, ...values } });
  return { groups: only(objects, 'PrometheusRule').spec.groups };
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** A Prometheus duration (`1h30m`, `15m`) in seconds. */
export function durationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)
    throw new Error(`not a Prometheus duration: ${text}`);
  return parts.reduce((n, p) => n + Number(p[1]) * UNIT_SECONDS[p[2]!]!, 0);
}

/** Seconds as a Prometheus duration in whole milliseconds (`15s`, `2500ms`). */
export function formatDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The rules with every `for:` and every `[range]` (and subquery range) divided by `factor`. */
export function scaleRules(file: RuleFile, factor: number): RuleFile {
  const scale = (d: string) => formatDuration(durationSeconds(d) / factor);
  return {
    groups: file.groups.map((g) => ({
      ...g,
      ...(g.interval ? { interval: scale(g.interval) } : {}),
      rules: g.rules.map((r) => ({
        ...r,
        ...(/\boffset\b|@/.test(r.expr) ? failUnscalable(r) : {}),
        expr: r.expr.replace(/\[(\w+)(:\w*)?\]/g, (_m, range: string, step?: string) => {
          const s = step && step.length > 1 ? `:${scale(step.slice(1))}` : (step ?? '');
          return `[${scale(range)}${s}]`;
        }),
        ...(r.for ? { for: scale(r.for) } : {}),
      })),
    })),
  };
}

function failUnscalable(r: Rule): never {
  throw new Error(`${r.alert ?? r.record}: offset/@ modifiers are not scaled; extend scaleRules`);
}

/** Every alerting rule of a file. */
export const alertsOf = (file: RuleFile): Rule[] =>
  file.groups.flatMap((g) => g.rules).filter((r) => r.alert);
