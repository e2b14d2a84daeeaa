/**
 * Controller configuration: command-line flags, each with a matching environment variable
 * (`--sync-period` ↔ `SYNC_PERIOD`; the flag wins), validated once with zod. Every default is in
 * the schema below. Endpoints (IMS, platform) come only from here, never from a custom resource.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseLabelsAllowlist, type AllowedLabel } from './metrics/label-allowlist.js';
import { parseBindAddress } from './runtime/http-endpoints.js';

/** Where Kubernetes mounts the pod's namespace. */
export const POD_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Error messages of configuration parsing. */
export const CONFIG_ERRORS = {
  header: 'invalid configuration',
  duration: 'want a duration such as 500ms, 30s, 10m or 1h30m',
  bindAddress: 'want host:port, :port or 0 (disabled)',
  namespace: 'want comma-separated namespace names',
} as const;

const UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Parses a Go-style duration (`1h30m`, `10s`, `250ms`) into milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(m[1]) * UNITS_MS[m[2] as keyof typeof UNITS_MS];
  return Math.round(total);
}

const duration = z.string().transform((s, ctx) => {
  const ms = parseDuration(s.trim());
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: CONFIG_ERRORS.duration });
    return z.NEVER;
  }
  return ms;
});

const bindAddress = z.string().refine((s) => {
  try {
    parseBindAddress(s);
    return true;
  } catch {
    return false;
  }
}, CONFIG_ERRORS.bindAddress);

const boolean = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1'),
]);

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The configuration schema: flag name → validation and default (with where each default comes from). */
export const ConfigSchema = z.object({
  kubeconfig: z.string().optional(), // unset: KUBECONFIG, else in-cluster
  'platform-url': z.url().default('https://platform.adobe.io'),
  'ims-url': z.url().default('https://ims-na1.adobelogin.com'),
  'watch-namespace': z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((n) => DNS_LABEL.test(n)), CONFIG_ERRORS.namespace),
  // Flow Service cannot be watched: the resync is how drift and run health are seen.
  'sync-period': duration.prefault('10m').refine((ms) => ms >= 1000, 'must be at least 1s'),
  // controller-runtime defaults to 1; 4 lets independent dataflows converge in parallel.
  'max-concurrent-reconciles': z.coerce.number().int().min(1).max(100).default(4),
  'leader-elect': boolean.default(false),
  'leader-election-namespace': z.string().regex(DNS_LABEL).optional(),
  'leader-election-id': z.string().regex(DNS_LABEL).default('mixpanel-dataflow-controller'),
  // controller-runtime: LeaseDuration 15 s, RenewDeadline 10 s, RetryPeriod 2 s.
  'lease-duration': duration.prefault('15s'),
  'renew-deadline': duration.prefault('10s'),
  'retry-period': duration.prefault('2s'),
  'health-probe-bind-address': bindAddress.prefault(':8081'),
  // kubebuilder's scaffold: HTTPS on :8443, every scrape authenticated and authorized by the API server.
  'metrics-bind-address': bindAddress.prefault(':8443'),
  'metrics-secure': boolean.default(true),
  // A folder with the serving certificate (a mounted Secret); unset: self-signed at start-up.
  'metrics-cert-path': z.string().optional(),
  'metrics-cert-name': z.string().default('tls.crt'),
  'metrics-cert-key': z.string().default('tls.key'),
  // kube-state-metrics' flag: Kubernetes labels exported on mixpanel_dataflow_labels.
  'metric-labels-allowlist': z
    .string()
    .default('')
    .transform((s, ctx) => {
      try {
        return parseLabelsAllowlist(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  'log-level': z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  // Adobe documents no Flow Service limit; matches the client's conservative default.
  'flow-service-rate-limit': z.coerce.number().positive().default(10),
  'flow-service-burst': z.coerce.number().int().min(1).default(20),
  // controller-runtime GracefulShutdownTimeout.
  'graceful-shutdown-timeout': duration.prefault('30s'),
  // kube-rs: server-side watch timeout 290 s; the stall watchdog fires 30 s after it.
  'watch-timeout': duration.prefault('290s').refine((ms) => ms >= 1000, 'must be at least 1s'),
});

/** Flag names. */
export type FlagName = keyof typeof ConfigSchema.shape;

/** The parsed configuration (defaults filled, durations in ms). */
export type RawConfig = z.output<typeof ConfigSchema>;

/** The configuration main.ts uses. */
export interface ControllerConfig {
  kubeconfig: string | undefined;
  platformUrl: string;
  imsUrl: string;
  /** Empty: every namespace. */
  watchNamespaces: string[];
  syncPeriodMs: number;
  maxConcurrentReconciles: number;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  healthProbeBindAddress: string;
  metricsBindAddress: string;
  /** HTTPS with TokenReview + SubjectAccessReview on every scrape; false: plain HTTP, no auth. */
  metricsSecure: boolean;
  metricsCert: { dir: string | undefined; certName: string; keyName: string };
  metricLabelsAllowlist: AllowedLabel[];
  logLevel: RawConfig['log-level'];
  flowServiceRateLimit: number;
  flowServiceBurst: number;
  gracefulShutdownTimeoutMs: number;
  watchTimeoutMs: number;
}

/** `--sync-period` → `SYNC_PERIOD`. */
export const envName = (flag: string): string => flag.toUpperCase().replace(/-/g, '_');

/** A configuration problem; main exits with status 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses argv (without node and script) and env into a validated configuration. */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  podNamespace: () => string | undefined = readPodNamespace,
): ControllerConfig {
  const flags = Object.keys(ConfigSchema.shape) as FlagName[];
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: Object.fromEntries(flags.map((f) => [f, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new ConfigError(`${CONFIG_ERRORS.header}: ${(err as Error).message}`);
  }
  const input: Record<string, string> = {};
  for (const f of flags) {
    const v = values[f] ?? env[envName(f)];
    if (typeof v === 'string' && v !== '') input[f] = v;
  }
  // The standard KUBECONFIG variable is the default of --kubeconfig.
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const flag = String(i.path[0] ?? '');
      return `  --${flag} (${envName(flag)}): ${i.message}`;
    });
    throw new ConfigError(`${CONFIG_ERRORS.header}:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c['renew-deadline'] >= c['lease-duration'])
    throw new ConfigError(
      `${CONFIG_ERRORS.header}:\n  --renew-deadline must be shorter than --lease-duration`,
    );
  if (c['retry-period'] >= c['renew-deadline'])
    throw new ConfigError(`${CONFIG_ERRORS.header}:\n  --retry-period must be shorter than --renew-deadline`);
  return {
    kubeconfig: c.kubeconfig,
    platformUrl: c['platform-url'],
    imsUrl: c['ims-url'],
    watchNamespaces: c['watch-namespace'],
    syncPeriodMs: c['sync-period'],
    maxConcurrentReconciles: c['max-concurrent-reconciles'],
    leaderElect: c['leader-elect'],
    leaderElectionNamespace: c['leader-election-namespace'] ?? podNamespace() ?? 'default',
    leaderElectionId: c['leader-election-id'],
    leaseDurationMs: c['lease-duration'],
    renewDeadlineMs: c['renew-deadline'],
    retryPeriodMs: c['retry-period'],
    healthProbeBindAddress: c['health-probe-bind-address'],
    metricsBindAddress: c['metrics-bind-address'],
    metricsSecure: c['metrics-secure'],
    metricsCert: {
      dir: c['metrics-cert-path'],
      certName: c['metrics-cert-name'],
      keyName: c['metrics-cert-key'],
    },
    metricLabelsAllowlist: c['metric-labels-allowlist'],
    logLevel: c['log-level'],
    flowServiceRateLimit: c['flow-service-rate-limit'],
    flowServiceBurst: c['flow-service-burst'],
    gracefulShutdownTimeoutMs: c['graceful-shutdown-timeout'],
    watchTimeoutMs: c['watch-timeout'],
  };
}

/** The pod's namespace from the service account mount, if running in a pod. */
export function readPodNamespace(): string | undefined {
  try {
    return readFileSync(POD_NAMESPACE_FILE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
