/**
 * Local mode: `npm start [-- <flags>]`. Starts an embedded simulator (with the examples'
 * fixtures) unless `--platform-url/--ims-url` are given, reads the manifest folder, reconciles
 * with the cluster controller's engine, serves /metrics, /healthz and /readyz, watches the folder,
 * and shuts down cleanly on Ctrl-C. Exit codes: 0 after a clean stop, 1 on failure, 2 on bad flags.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { createLogger } from '../logging.js';
import { createAdobeConnector } from '../adobe/index.js';
import { KIND } from '../api/index.js';
import { createMetrics } from '../metrics/metrics.js';
import { createMonitoringMetrics } from '../metrics/monitoring.js';
import {
  checksHandler,
  parseBindAddress,
  serveEndpoints,
  type RunningEndpoints,
} from '../runtime/http-endpoints.js';
import { LocalState, readManifestDir, type ManifestSet } from '../offline/index.js';
import { LocalController } from './local-controller.js';
import { LOCAL_DEFAULTS, OptionsError, parseLocalOptions, type LocalOptions } from './options.js';
import { SimClockDriver } from './sim-clock.js';
import { PlainView, TableView, type View } from './view.js';

/** `controller` label of the controller-runtime metrics: the cluster controller's (lower-case kind). */
const CONTROLLER_LABEL = KIND.toLowerCase();

/** Exit codes of local mode. */
export const LOCAL_EXIT = { ok: 0, failed: 1, badFlags: 2 } as const;

/** Fixture file looked up next to the manifests, then in the repository's examples. */
const FIXTURE_CANDIDATES = (manifests: string) => [
  join(manifests, 'simulator', 'fixtures.json'),
  join('examples', 'simulator', 'fixtures.json'),
];

/** How long a folder change settles before it is read (editors write in several steps). */
const WATCH_DEBOUNCE_MS = 150;
/** Fallback rescan period (fs.watch misses events on some filesystems). */
const RESCAN_MS = 2000;

interface Endpoints {
  platformUrl: string;
  imsUrl: string;
  simulatorUrl: string | undefined;
  close(): Promise<void>;
}

async function endpoints(opts: LocalOptions, say: (line: string) => void): Promise<Endpoints> {
  if (opts.platformUrl && opts.imsUrl)
    return {
      platformUrl: opts.platformUrl,
      imsUrl: opts.imsUrl,
      simulatorUrl: opts.simSpeed > 0 ? opts.platformUrl : undefined,
      close: async () => undefined,
    };
  // Imported lazily: pointed at Adobe, local mode never loads the simulator.
  const { startSimulator } = await import('../../simulator/index.js');
  const { readFixtures } = await import('../../simulator/fixtures.js');
  const fixtureFile = opts.fixtures ?? FIXTURE_CANDIDATES(opts.manifests).find((f) => existsSync(f));
  const fixtures = fixtureFile ? readFixtures(fixtureFile) : undefined;
  const sim = await startSimulator({
    port: 0,
    ...(fixtures ? { fixtures, ...(fixtures.tenantId ? { tenantId: fixtures.tenantId } : {}) } : {}),
  });
  say(`embedded simulator on ${sim.url}${fixtureFile ? ` (fixtures: ${fixtureFile})` : ''}`);
  return { platformUrl: sim.url, imsUrl: sim.url, simulatorUrl: sim.url, close: () => sim.close() };
}

/**
 * The latest startTime of an enabled dataflow: the simulator's clock jumps there at start, so every
 * example flow has begun and runs appear within seconds instead of at next week's start time.
 */
function latestStart(set: ManifestSet): number | undefined {
  const times = [...set.dataflows.values()]
    .filter((d) => d.spec.enabled !== false && d.spec.schedule.startTime)
    .map((d) => Date.parse(d.spec.schedule.startTime!));
  return times.length ? Math.max(...times) : undefined;
}

async function main(): Promise<void> {
  let opts: LocalOptions;
  try {
    opts = parseLocalOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    process.stderr.write(`invalid flags: ${err.message}\n`);
    process.exit(LOCAL_EXIT.badFlags);
  }
  const manifestsDir = resolve(opts.manifests);
  if (!existsSync(manifestsDir)) {
    process.stderr.write(`invalid flags: --manifests ${opts.manifests} does not exist\n`);
    process.exit(LOCAL_EXIT.badFlags);
  }
  const table = opts.output === 'table' || (opts.output === 'auto' && process.stdout.isTTY === true);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const view: View = table ? new TableView(process.stdout) : new PlainView(say);
  const log = createLogger(opts.logLevel ?? (table ? 'error' : LOCAL_DEFAULTS.logLevel), pino.destination(2));

  const ep = await endpoints(opts, (line) => view.note(line));
  const first = await readManifestDir(manifestsDir);
  const clock = ep.simulatorUrl
    ? new SimClockDriver({
        url: ep.simulatorUrl,
        speed: Math.max(1, opts.simSpeed),
        ...(latestStart(first) !== undefined ? { startAt: latestStart(first)! } : {}),
        onError: (err) => log.warn({ err: String(err) }, 'advancing the simulator clock failed'),
      })
    : undefined;
  await clock?.start();

  const settings = {
    platformUrl: ep.platformUrl,
    imsUrl: ep.imsUrl,
    rateLimit: { requestsPerSecond: opts.flowServiceRateLimit, burst: opts.flowServiceBurst },
  };
  // The cluster controller's metrics: controller-runtime, dataflow health and Flow Service calls.
  const monitoring = createMonitoringMetrics();
  const observer = monitoring.flowService.observer;
  const connector = createAdobeConnector(settings, {
    logger: log.child({ component: 'flowservice' }),
    observer,
  });
  const metrics = createMetrics({
    controller: CONTROLLER_LABEL,
    maxConcurrentReconciles: opts.maxConcurrentReconciles,
    leaseName: 'local',
    processMetrics: true,
  });
  monitoring.register(metrics.registry);
  metrics.leader(true); // one local process is always the only writer
  const state = new LocalState(opts.state);
  const controller = new LocalController({
    state,
    connect: connector.connect,
    metrics,
    dataflows: monitoring.dataflows,
    view,
    log,
    clock: () => clock?.now() ?? new Date(),
    concurrency: opts.maxConcurrentReconciles,
    syncPeriodMs: opts.syncPeriodMs,
  });

  let stopping = false;
  const servers: RunningEndpoints[] = [];
  const health = parseBindAddress(opts.healthProbeBindAddress);
  if (health)
    servers.push(
      await serveEndpoints(health, {
        '/healthz': checksHandler({ ping: () => undefined }),
        '/readyz': checksHandler({ shutdown: () => (stopping ? 'shutting down' : undefined) }),
      }),
    );
  const metricsAddr = parseBindAddress(opts.metricsBindAddress);
  if (metricsAddr)
    servers.push(
      await serveEndpoints(metricsAddr, {
        '/metrics': async () => ({
          status: 200,
          body: await metrics.registry.metrics(),
          contentType: metrics.registry.contentType,
        }),
      }),
    );
  view.note(
    `local mode: ${manifestsDir} → ${ep.platformUrl}` +
      (servers.length
        ? `; endpoints on ports ${servers.map((s) => s.port).join(', ')} (health, metrics)`
        : ''),
  );

  controller.start();
  await controller.apply(first);

  // Watch the folder: an event schedules a read; a periodic rescan catches missed events.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reading: Promise<void> = Promise.resolve();
  let lastSignature = '';
  const rescan = () => {
    reading = reading.then(async () => {
      if (stopping) return;
      const set = await readManifestDir(manifestsDir, new Map(state.keys().map((k) => [k, state.get(k)!])));
      const signature = JSON.stringify([[...set.dataflows.values()], [...set.secrets], set.problems]);
      if (signature === lastSignature) return;
      lastSignature = signature;
      await controller.apply(set);
    });
    return reading;
  };
  lastSignature = '';
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(manifestsDir, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void rescan(), WATCH_DEBOUNCE_MS);
    });
  } catch (err) {
    log.warn({ err: String(err) }, 'cannot watch the manifest folder; rescanning periodically');
  }
  const rescanTimer = setInterval(() => void rescan(), RESCAN_MS);

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (++signals > 1) process.exit(LOCAL_EXIT.failed);
    stopping = true;
    if (!table) say(`${signal}: stopping (finishing reconciles in flight)`);
    clearInterval(rescanTimer);
    clearTimeout(timer);
    watcher?.close();
    void (async () => {
      await reading;
      const drained = await controller.stop(30_000);
      view.close();
      await clock?.stop();
      await Promise.all(servers.map((s) => s.close()));
      await connector.close();
      await ep.close();
      say(drained ? 'stopped' : 'stopped (some reconciles did not finish in time)');
      process.exit(LOCAL_EXIT.ok);
    })().catch((err: unknown) => {
      process.stderr.write(`shutdown failed: ${String(err)}\n`);
      process.exit(LOCAL_EXIT.failed);
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
  const hint = inUse
    ? ' (pick free ports with --metrics-bind-address and --health-probe-bind-address, e.g. :0)'
    : '';
  process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}${hint}\n`);
  process.exit(LOCAL_EXIT.failed);
});
