/** The Grafana dashboard's PromQL: every panel target and query variable. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARD_FILE, REPO_ROOT } from './promtool.js';

/** A dashboard panel (rows hold panels). */
export interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}
/** The dashboard JSON, as far as tests read it. */
export interface Dashboard {
  panels: Panel[];
  templating: { list: { type: string; query: unknown }[] };
}

/** charts/.../files/dashboard.json. */
export const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, DASHBOARD_FILE), 'utf8')) as Dashboard;
/** Every panel, rows' panels included. */
export const allPanels = (ps: Panel[]): Panel[] => ps.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);

/** Every panel target as `{panel, expr}`. */
export const panelQueries = (): { panel: string; expr: string }[] =>
  allPanels(dashboard.panels).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
  );

/** Every PromQL expression of the dashboard: panel targets and query variables. */
export function queries(): string[] {
  const out = panelQueries().map((q) => q.expr);
  for (const v of dashboard.templating.list) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : (v.query as { query: string }).query;
    const inner = /^label_values\((.*),\s*\w+\)$/.exec(q)?.[1];
    out.push(inner ?? q);
  }
  return out;
}

/** Grafana's variables replaced by values Prometheus accepts. */
export const concrete = (expr: string, vars: Record<string, string> = {}, interval = '5m') =>
  expr
    .replace(/\$__rate_interval|\$__interval|\$__range/g, interval)
    .replace(/\$(\w+)/g, (_m, name: string) => vars[name] ?? '.*');
