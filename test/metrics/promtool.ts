/**
 * Runs the real `promtool` (Debian package `prometheus`, installed by `.ci/run`). A missing
 * promtool fails the calling test with an install hint; it is never skipped.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Repository root (promtool resolves rule files relative to the test file it reads). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the rule file and its tests live. */
export const RULES_FILE = 'charts/mixpanel-dataflow-controller/files/prometheus-rules.yaml';
export const DASHBOARD_FILE = 'charts/mixpanel-dataflow-controller/files/dashboard.json';

/**
 * prom-client default metrics that fail `promtool check metrics`: gauges whose names end in
 * `_total` (non-counter metrics should not have "_total" suffix). Filtered before linting.
 */
export const LINT_EXEMPT_FAMILIES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

/** Result of one promtool run. */
export interface PromtoolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs promtool with `args`, feeding `stdin` when given. */
export function promtool(args: string[], stdin?: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('promtool', args, { cwd: REPO_ROOT }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: unknown }) | null;
      if (e && e.code === 'ENOENT') {
        reject(
          new Error(
            'promtool is not installed: `apt-get install -y prometheus` (Debian bookworm ships /usr/bin/promtool); .ci/run does this',
          ),
        );
        return;
      }
      resolve({ code: typeof e?.code === 'number' ? e.code : e ? 1 : 0, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

/** Removes the exempt families (HELP, TYPE and samples) from an exposition. */
export function withoutExemptFamilies(exposition: string): string {
  return exposition
    .split('\n')
    .filter((line) => !LINT_EXEMPT_FAMILIES.some((f) => new RegExp(`^(# (HELP|TYPE) )?${f}\\b`).test(line)))
    .join('\n');
}

/** Parses an exposition into `name{labels} → value` (labels as written, sorted by prom-client). */
export function samples(exposition: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** Metric family names of an exposition (from its TYPE lines). */
export function families(exposition: string): Set<string> {
  return new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
}
