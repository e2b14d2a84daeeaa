/**
 * The chart under test, rendered with the real helm binary (v4, from the same npm package as
 * kubectl). `helm template` runs the same engine and values-schema validation as `helm install`.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { helmPath } from '../../cluster/cli-tools.js';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The chart folder. */
export const CHART_DIR = join(REPO_ROOT, 'charts', 'mixpanel-dataflow-controller');
/** Files the metrics helper ships in the chart; tests stand in fixtures while they are absent. */
export const MONITORING_FILES = ['files/prometheus-rules.yaml', 'files/dashboard.json'] as const;

/** One rendered Kubernetes object. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests are free-form
  [key: string]: any;
}

/** Result of one helm run. */
export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

let helmHome: string | undefined;
let chartCopy: string | undefined;

/** Runs the real helm; never throws on a non-zero exit. */
export async function helm(args: readonly string[]): Promise<HelmResult> {
  const bin = await helmPath();
  // A private config: helm must not read or write the developer's repositories.
  const dir = (helmHome ??= mkdtempSync(join(tmpdir(), 'helm-')));
  const env = {
    ...process.env,
    HELM_CONFIG_HOME: dir,
    HELM_CACHE_HOME: dir,
    HELM_DATA_HOME: dir,
  };
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (err && code === -1) reject(err);
      else resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The chart folder to render: the chart itself when it holds the monitoring files, otherwise a
 * temporary copy with test/chart/fixtures/ standing in for the missing ones.
 */
export function chartWithMonitoringFiles(): string {
  const missing = MONITORING_FILES.filter((f) => !existsSync(join(CHART_DIR, f)));
  if (missing.length === 0) return CHART_DIR;
  if (chartCopy) return chartCopy;
  const copy = join(mkdtempSync(join(tmpdir(), 'chart-')), 'mixpanel-dataflow-controller');
  cpSync(CHART_DIR, copy, { recursive: true });
  for (const f of missing)
    cpSync(join(REPO_ROOT, 'test', 'chart', 'fixtures', f.replace('files/', '')), join(copy, f));
  return (chartCopy = copy);
}

/** Options of renderChart. */
export interface RenderOptions {
  release?: string;
  namespace?: string;
  /** `--set-json` pairs: path → any JSON value. */
  values?: Record<string, unknown>;
  /** Values files (`-f`). */
  files?: string[];
  chart?: string;
}

/** `helm template` arguments for the options. */
export function templateArgs(opts: RenderOptions = {}): string[] {
  return [
    'template',
    opts.release ?? 'mdc',
    opts.chart ?? CHART_DIR,
    '--namespace',
    opts.namespace ?? 'mdc-system',
    ...(opts.files ?? []).flatMap((f) => ['-f', f]),
    ...Object.entries(opts.values ?? {}).flatMap(([k, v]) => ['--set-json', `${k}=${JSON.stringify(v)}`]),
  ];
}

/** Renders the chart; throws with helm's message when rendering fails. */
export async function renderChart(opts: RenderOptions = {}): Promise<{ text: string; objects: K8sObject[] }> {
  const r = await helm(templateArgs(opts));
  if (r.code !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  const objects = parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
  return { text: r.stdout, objects };
}

/** The one object of a kind (and optional name) in a rendering. */
export function only(objects: readonly K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1)
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}

/** Serializes objects as one multi-document YAML stream (JSON is valid YAML). */
export const toStream = (objects: readonly K8sObject[]): string =>
  objects.map((o) => JSON.stringify(o)).join('\n---\n');
