/**
 * Flags of local mode (`npm start -- <flags>`). Endpoint and bind-address flags are the cluster
 * controller's; without `--platform-url`/`--ims-url` an embedded simulator is started.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../config.js';
import { parseBindAddress } from '../runtime/http-endpoints.js';

/** Parsed options of local mode. */
export interface LocalOptions {
  manifests: string;
  /** Both set, or both undefined (embedded simulator). */
  platformUrl: string | undefined;
  imsUrl: string | undefined;
  metricsBindAddress: string;
  healthProbeBindAddress: string;
  /** State file; undefined keeps state in memory. */
  state: string | undefined;
  /** Simulated seconds per real second; 0 leaves the simulator's clock alone. */
  simSpeed: number;
  /** Fixtures for the embedded simulator (default: `<manifests>/simulator/fixtures.json`). */
  fixtures: string | undefined;
  /** Resync period; every reconcile also reads the flow's new runs (the engine's run monitoring). */
  syncPeriodMs: number;
  maxConcurrentReconciles: number;
  /** Flow Service requests per second and burst (the cluster controller's flags). */
  flowServiceRateLimit: number;
  flowServiceBurst: number;
  output: 'auto' | 'table' | 'plain';
  /** Undefined: `warn`, or `error` under the live table (stderr lines would break its redraw). */
  logLevel: string | undefined;
}

/** Defaults of local mode (the cluster controller's where a flag is shared). */
export const LOCAL_DEFAULTS = {
  manifests: 'examples',
  metricsBindAddress: ':8080',
  healthProbeBindAddress: ':8081',
  // One simulated minute per real second: a 15-minute schedule runs every 15 s.
  embeddedSimSpeed: 60,
  syncPeriod: '1m',
  // With a simulated clock running fast, resync often so runs show up within seconds.
  simulatedSyncPeriod: '5s',
  maxConcurrentReconciles: 4,
  // Adobe: the cluster controller's conservative 10/s (burst 20); a local simulator takes far more.
  rateLimit: 10,
  burst: 20,
  simulatorRateLimit: 200,
  logLevel: 'warn',
} as const;

/** A flag problem; the process exits 2. */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Parses argv (without node and script). */
export function parseLocalOptions(argv: readonly string[]): LocalOptions {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        [
          'manifests',
          'platform-url',
          'ims-url',
          'metrics-bind-address',
          'health-probe-bind-address',
          'state',
          'sim-speed',
          'fixtures',
          'sync-period',
          'max-concurrent-reconciles',
          'flow-service-rate-limit',
          'flow-service-burst',
          'output',
          'log-level',
        ].map((f) => [f, { type: 'string' as const }]),
      ),
    }).values as Record<string, string | undefined>;
  } catch (err) {
    throw new OptionsError((err as Error).message);
  }
  const platformUrl = values['platform-url'];
  const imsUrl = values['ims-url'];
  if ((platformUrl === undefined) !== (imsUrl === undefined))
    throw new OptionsError('--platform-url and --ims-url go together (neither: embedded simulator)');
  for (const [flag, url] of [
    ['platform-url', platformUrl],
    ['ims-url', imsUrl],
  ] as const)
    if (url !== undefined && !URL.canParse(url)) throw new OptionsError(`--${flag}: not a URL: ${url}`);
  const bind = (flag: string, fallback: string) => {
    const v = values[flag] ?? fallback;
    try {
      parseBindAddress(v);
    } catch {
      throw new OptionsError(`--${flag}: want host:port, :port or 0 (disabled), got ${v}`);
    }
    return v;
  };
  const duration = (flag: string, fallback: string) => {
    const ms = parseDuration(values[flag] ?? fallback);
    if (ms === undefined || ms < 100) throw new OptionsError(`--${flag}: want a duration such as 5s or 1m`);
    return ms;
  };
  const number = (flag: string, fallback: number, min: number) => {
    const v = values[flag] === undefined ? fallback : Number(values[flag]);
    if (!Number.isFinite(v) || v < min) throw new OptionsError(`--${flag}: want a number ≥ ${min}`);
    return v;
  };
  const output = values['output'] ?? 'auto';
  if (output !== 'auto' && output !== 'table' && output !== 'plain')
    throw new OptionsError('--output: want auto, table or plain');
  const logLevel = values['log-level'];
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel))
    throw new OptionsError(`--log-level: want one of ${LOG_LEVELS.join(', ')}`);
  const simSpeed = number('sim-speed', platformUrl === undefined ? LOCAL_DEFAULTS.embeddedSimSpeed : 0, 0);
  return {
    manifests: values['manifests'] ?? LOCAL_DEFAULTS.manifests,
    platformUrl,
    imsUrl,
    metricsBindAddress: bind('metrics-bind-address', LOCAL_DEFAULTS.metricsBindAddress),
    healthProbeBindAddress: bind('health-probe-bind-address', LOCAL_DEFAULTS.healthProbeBindAddress),
    state: values['state'],
    simSpeed,
    fixtures: values['fixtures'],
    syncPeriodMs: duration(
      'sync-period',
      simSpeed > 0 ? LOCAL_DEFAULTS.simulatedSyncPeriod : LOCAL_DEFAULTS.syncPeriod,
    ),
    maxConcurrentReconciles: Math.floor(
      number('max-concurrent-reconciles', LOCAL_DEFAULTS.maxConcurrentReconciles, 1),
    ),
    flowServiceRateLimit: number(
      'flow-service-rate-limit',
      platformUrl === undefined ? LOCAL_DEFAULTS.simulatorRateLimit : LOCAL_DEFAULTS.rateLimit,
      0.1,
    ),
    flowServiceBurst: Math.floor(
      number(
        'flow-service-burst',
        platformUrl === undefined ? LOCAL_DEFAULTS.simulatorRateLimit : LOCAL_DEFAULTS.burst,
        1,
      ),
    ),
    output,
    logLevel,
  };
}
