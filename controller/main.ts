/**
 * The controller process: `npm run controller -- <flags>` or `node dist/controller/main.js`.
 * Parses and validates configuration (exit 2 on bad config), wires the reconcile engine and the
 * Adobe connector into the runtime, and handles signals: SIGTERM/SIGINT drain in-flight reconciles
 * (bounded by --graceful-shutdown-timeout), release the Lease and exit 0; a second signal exits 1
 * at once. Losing the Lease exits 1 at once, like controller-runtime: an in-flight reconcile cannot
 * be stopped mid-write any other way, and the new leader must be the only writer.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createLogger } from './logging.js';
import { createAdobeConnector } from './adobe/index.js';
import { ConfigError, loadConfig, type ControllerConfig } from './config.js';
import type { EngineFn } from './manager/dataflow-reconciler.js';
import { Manager } from './manager/manager.js';
import { createMonitoringMetrics, observeReconcile } from './metrics/monitoring.js';
import { errorPolicy, reconcile } from './reconcile/index.js';

/** Exit codes of the process. */
export const EXIT_CODES = { ok: 0, failed: 1, badConfig: 2 } as const;

function kubeConfigFor(config: ControllerConfig): KubeConfig {
  const kc = new KubeConfig();
  if (config.kubeconfig) kc.loadFromFile(config.kubeconfig);
  else kc.loadFromCluster();
  return kc;
}

async function main(): Promise<void> {
  let config: ControllerConfig;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(EXIT_CODES.badConfig);
  }
  const log = createLogger(config.logLevel);
  process.on('unhandledRejection', (reason) => log.error({ err: String(reason) }, 'unhandled rejection'));

  let kc: KubeConfig;
  try {
    kc = kubeConfigFor(config);
  } catch (err) {
    process.stderr.write(`invalid configuration: cannot load kubeconfig: ${(err as Error).message}\n`);
    process.exit(EXIT_CODES.badConfig);
  }
  const monitoring = createMonitoringMetrics({ labelsAllowlist: config.metricLabelsAllowlist });
  const connector = createAdobeConnector(
    {
      imsUrl: config.imsUrl,
      platformUrl: config.platformUrl,
      rateLimit: { requestsPerSecond: config.flowServiceRateLimit, burst: config.flowServiceBurst },
    },
    { logger: log.child({ component: 'flowservice' }), observer: monitoring.flowService.observer },
  );
  // kube-rs `run(reconcile, error_policy, ctx)`: the engine with its process-wide collaborators.
  const engine: EngineFn = (object, ctx) =>
    reconcile(object, {
      ...observeReconcile(monitoring.dataflows, object, ctx),
      connect: connector.connect,
      runs: { observer: monitoring.dataflows.runs },
    });
  const identity = `${process.env.POD_NAME || hostname()}_${randomUUID()}`;
  const manager = new Manager({
    config,
    kubeConfig: kc,
    engine,
    errorPolicy: (error, attempts) => errorPolicy(error, attempts),
    log,
    identity,
    onLostLeadership: () => process.exit(EXIT_CODES.failed),
    onDataflowGone: (ref) => monitoring.dataflows.forget(ref),
  });
  monitoring.register(manager.metrics.registry);

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (++signals > 1) process.exit(EXIT_CODES.failed);
    log.info({ signal }, 'shutting down');
    manager
      .stop()
      .then(() => connector.close())
      .then(
        () => process.exit(EXIT_CODES.ok),
        (err: unknown) => {
          log.error({ err: String(err) }, 'shutdown failed');
          process.exit(EXIT_CODES.failed);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  log.info(
    {
      identity,
      watchNamespaces: config.watchNamespaces.length ? config.watchNamespaces : 'all',
      leaderElect: config.leaderElect,
      syncPeriodMs: config.syncPeriodMs,
      maxConcurrentReconciles: config.maxConcurrentReconciles,
      platformUrl: config.platformUrl,
      imsUrl: config.imsUrl,
    },
    'starting',
  );
  await manager.start();
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(EXIT_CODES.failed);
});
