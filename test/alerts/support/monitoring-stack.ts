/**
 * A real Prometheus server and a real Alertmanager (Debian `prometheus`, `prometheus-alertmanager`;
 * `.ci/run` installs both) on loopback ports, with a webhook receiver inside the test process.
 * Prometheus scrapes the given targets with a bearer token file over HTTPS, evaluates the given
 * rule file and sends alerts to the Alertmanager, which routes them to the receiver.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePorts } from '../../cluster/flags.js';
import { waitFor } from '../../e2e/support/wait.js';

/** One notification as Alertmanager's webhook sends it. */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}
/** A notification and the receiver path it reached. */
export interface Notification {
  path: string;
  receivedAtMs: number;
  alerts: WebhookAlert[];
}

/** A scrape job. */
export interface ScrapeJob {
  name: string;
  targets: string[];
  /** File with the bearer token (a ServiceAccount token). */
  tokenFile?: string;
  scheme?: 'http' | 'https';
}

/** Options of startMonitoringStack. */
export interface StackOptions {
  rules: unknown;
  jobs: ScrapeJob[];
  /** Alertmanager routing tree (receivers are named by their webhook path, e.g. `growth`). */
  route: unknown;
  receivers: string[];
  scrapeInterval: string;
  evaluationInterval: string;
}

/** A running stack. */
export interface MonitoringStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  notifications: Notification[];
  /** GET on the Prometheus HTTP API (`/api/v1/...`); returns `data`. */
  api<T>(path: string, params?: Record<string, string>): Promise<T>;
  logs(): string;
  stop(): Promise<void>;
}

const MISSING = (bin: string, pkg: string) =>
  `${bin} is not installed: \`apt-get install -y ${pkg}\` (Debian bookworm); .ci/run does this`;

function startBinary(bin: string, pkg: string, args: string[], logFile: string): ChildProcess {
  const out = openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', out, out] });
  child.once('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') writeFileSync(logFile, MISSING(bin, pkg));
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Starts the webhook receiver, Alertmanager and Prometheus; resolves once all three answer. */
export async function startMonitoringStack(opts: StackOptions): Promise<MonitoringStack> {
  const dir = mkdtempSync(join(tmpdir(), 'mdc-monitoring-'));
  const notifications: Notification[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      try {
        const parsed = JSON.parse(body) as { alerts: WebhookAlert[] };
        notifications.push({
          path: (req.url ?? '/').slice(1),
          receivedAtMs: Date.now(),
          alerts: parsed.alerts,
        });
      } catch {
        // not a notification
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookPort = (receiver.address() as AddressInfo).port;

  const [amPort, promPort] = await freePorts(2);
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    stringify({
      route: opts.route,
      receivers: opts.receivers.map((name) => ({
        name,
        webhook_configs: [{ url: `http://127.0.0.1:${hookPort}/${name}`, send_resolved: true }],
      })),
    }),
  );
  const amLog = join(dir, 'alertmanager.log');
  const am = startBinary(
    'prometheus-alertmanager',
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=', // no gossip port: a single instance
      '--log.level=warn',
    ],
    amLog,
  );

  // No rules until every target has been scraped once: a fresh Prometheus evaluates before its
  // first scrape, and `absent(up...)` would fire ControllerDown at startup (with `for` scaled to
  // seconds, under load it did). The rules are loaded by a SIGHUP reload once the data is there.
  const rulesFile = join(dir, 'rules.yml');
  writeFileSync(rulesFile, stringify({ groups: [] }));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: opts.scrapeInterval, evaluation_interval: opts.evaluationInterval },
      rule_files: [rulesFile],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      scrape_configs: opts.jobs.map((j) => ({
        job_name: j.name,
        scheme: j.scheme ?? 'https',
        scrape_timeout: opts.scrapeInterval,
        ...(j.scheme === 'http' ? {} : { tls_config: { insecure_skip_verify: true } }),
        ...(j.tokenFile ? { authorization: { type: 'Bearer', credentials_file: j.tokenFile } } : {}),
        static_configs: [{ targets: j.targets }],
      })),
    }),
  );
  const promLog = join(dir, 'prometheus.log');
  const prom = startBinary(
    'prometheus',
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      // Resend firing alerts often, so Alertmanager never times one out between evaluations.
      '--rules.alert.resend-delay=2s',
      '--log.level=warn',
    ],
    promLog,
  );
  const prometheusUrl = `http://127.0.0.1:${promPort}`;
  const alertmanagerUrl = `http://127.0.0.1:${amPort}`;
  const logs = () =>
    [amLog, promLog].map((f) => `== ${f}\n${readFileSync(f, 'utf8').slice(-3000)}`).join('\n');
  const stop = async () => {
    await Promise.all([stopChild(prom), stopChild(am)]);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  };
  const api = async <T>(path: string, params: Record<string, string> = {}) => {
    const res = await fetch(`${prometheusUrl}/api/v1/${path}?${new URLSearchParams(params)}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error}`);
    return body.data;
  };
  try {
    for (const url of [`${alertmanagerUrl}/-/ready`, `${prometheusUrl}/-/ready`])
      await waitFor(async () => (await fetch(url)).ok, { timeoutMs: 60_000, what: url, details: logs });
    await waitFor(
      async () => {
        const { activeTargets } = await api<{ activeTargets: { lastScrape: string }[] }>('targets');
        return activeTargets.length > 0 && activeTargets.every((t) => !t.lastScrape.startsWith('0001-'));
      },
      { timeoutMs: 60_000, what: 'every target scraped once', details: logs },
    );
    writeFileSync(rulesFile, stringify(opts.rules));
    prom.kill('SIGHUP');
    const wanted = (opts.rules as { groups?: unknown[] }).groups?.length ?? 0;
    await waitFor(async () => (await api<{ groups: unknown[] }>('rules')).groups.length === wanted, {
      timeoutMs: 60_000,
      what: 'the rules loaded',
      details: logs,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    prometheusUrl,
    alertmanagerUrl,
    notifications,
    logs,
    stop,
    api,
  };
}
