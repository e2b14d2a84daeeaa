/**
 * Assembles the controller process: caches and watch loops (MixpanelDataflows and, metadata-only,
 * Secrets) per watched namespace, the work queue and workers, leader election, status writer,
 * event recorder, and the health and metrics endpoints. Knows nothing of Adobe: the engine and its
 * error policy come in from main.ts (kube-rs `run(reconcile, error_policy)`).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, API_VERSION, KIND, type MixpanelDataflow } from '../api/index.js';
import { createMetrics, type ControllerMetricSet } from '../metrics/metrics.js';
import type { ControllerConfig } from '../config.js';
import type { Action } from '../runtime/action.js';
import { Controller } from '../runtime/controller.js';
import { ApiEventRecorder } from '../runtime/event-recorder.js';
import {
  checksHandler,
  parseBindAddress,
  serveEndpoints,
  type RunningEndpoints,
} from '../runtime/http-endpoints.js';
import { KubeHttp } from '../runtime/kube-http.js';
import { kubeRequestAuthorizer } from '../runtime/metrics-auth.js';
import { loadServingCert } from '../runtime/serving-cert.js';
import {
  isMeaningfulUpdate,
  objectKey,
  parseKey,
  resourceVersionOf,
  type KubeObject,
} from '../runtime/kube-object.js';
import { LeaderElector } from '../runtime/leader-election.js';
import { resourceSource } from '../runtime/list-watch.js';
import { StatusWriter } from '../runtime/status-writer.js';
import { createStore, type StoreChange, type StoreReader } from '../runtime/store.js';
import { WatchLoop } from '../runtime/watch-loop.js';
import { WorkQueue } from '../runtime/workqueue.js';
import { dataflowPath, dataflowReconciler, type EngineFn, type Log } from './dataflow-reconciler.js';
import { referencedSecrets, SecretIndex } from './secrets.js';

/** `controller` label of the metrics (controller-runtime: lower-case kind). */
export const CONTROLLER_NAME = KIND.toLowerCase();
/** `reportingController` of the Events. */
export const REPORTING_CONTROLLER = `${GROUP}/mixpanel-dataflow-controller`;

/** Log messages of the manager. */
export const MANAGER_LOG = {
  watchRestart: 'watch restarted',
  serving: 'serving health and metrics endpoints',
  cachesSynced: 'caches synced',
  leading: 'became leader; starting workers',
  notLeading: 'lost leadership',
  reconcileError: 'reconcile failed',
  stopping: 'stopping: no new work, waiting for reconciles in flight',
  stopped: 'stopped',
} as const;

/** Inputs of the manager. */
export interface ManagerOptions {
  config: ControllerConfig;
  kubeConfig: KubeConfig;
  engine: EngineFn;
  /** What to do after a failed reconcile (reconcile/ `errorPolicy`); `attempts` counts from 1. */
  errorPolicy: (error: unknown, attempts: number) => Action;
  log: Log;
  /** This process in the Lease and in Events (pod name + random suffix). */
  identity: string;
  /** Called when leadership is lost; the process must stop at once. */
  onLostLeadership: () => void;
  /**
   * Called when a dataflow is gone from the API server, however it went (also when someone removed
   * the finalizer by hand), so per-dataflow state such as metric series can be dropped.
   */
  onDataflowGone?: (ref: { namespace: string; name: string }) => void;
}

interface Watched<T> {
  reader: StoreReader<T>;
  loop: WatchLoop<T>;
}

/** The running controller. */
export class Manager {
  readonly metrics: ControllerMetricSet;
  private readonly kube: KubeHttp;
  private readonly queue: WorkQueue<string>;
  private readonly controller: Controller<string>;
  private readonly index = new SecretIndex();
  private readonly dataflows = new Map<string, Watched<MixpanelDataflow>>();
  private readonly secrets: Watched<KubeObject>[] = [];
  private readonly statusWriter: StatusWriter<MixpanelDataflow>;
  private elector: LeaderElector | undefined;
  private servers: RunningEndpoints[] = [];
  private stopping = false;
  private workersStarted = false;

  constructor(private readonly opts: ManagerOptions) {
    const { config, log } = opts;
    this.kube = new KubeHttp(opts.kubeConfig);
    this.metrics = createMetrics({
      controller: CONTROLLER_NAME,
      maxConcurrentReconciles: config.maxConcurrentReconciles,
      leaseName: config.leaderElectionId,
      processMetrics: true,
    });
    this.queue = new WorkQueue<string>({ metrics: this.metrics.queue });
    this.statusWriter = new StatusWriter<MixpanelDataflow>(this.kube, (o) =>
      dataflowPath(o.metadata.namespace!, o.metadata.name!),
    );
    const events = new ApiEventRecorder({
      kube: this.kube,
      controller: REPORTING_CONTROLLER,
      instance: opts.identity,
      onError: (err) => log.warn({ err: String(err) }, 'event not recorded'),
    });
    this.controller = new Controller<string>({
      queue: this.queue,
      concurrency: config.maxConcurrentReconciles,
      resyncMs: config.syncPeriodMs,
      exists: (key) => this.dataflowStore(key)?.get(key) !== undefined,
      metrics: this.metrics.controller,
      errorPolicy: (_key, err, attempts) => opts.errorPolicy(err, attempts),
      onError: (key, err, { requeueAfterMs: retryAfterMs }) => {
        const fields = { key, err: String(err), terminal: retryAfterMs === null, retryAfterMs };
        log.warn(fields, MANAGER_LOG.reconcileError);
      },
      reconcile: dataflowReconciler({
        kube: this.kube,
        engine: opts.engine,
        statusWriter: this.statusWriter,
        events,
        log,
      }),
    });
    for (const ns of config.watchNamespaces.length > 0 ? config.watchNamespaces : ['']) this.watch(ns);
  }

  /** Starts watches and endpoints; workers start once caches are synced (and, if electing, leading). */
  async start(): Promise<void> {
    const { config, log } = this.opts;
    for (const w of [...this.dataflows.values(), ...this.secrets]) w.loop.start();
    const health = parseBindAddress(config.healthProbeBindAddress);
    if (health)
      this.servers.push(
        await serveEndpoints(health, {
          '/healthz': checksHandler({ ping: () => undefined }),
          '/readyz': checksHandler({
            caches: () => (this.synced() ? undefined : 'caches not synced'),
            shutdown: () => (this.stopping ? 'shutting down' : undefined),
          }),
        }),
      );
    const metricsAddr = parseBindAddress(config.metricsBindAddress);
    if (metricsAddr)
      this.servers.push(
        await serveEndpoints(
          metricsAddr,
          {
            '/metrics': async () => {
              this.metrics.sampleUnfinished(this.queue.unfinished());
              return {
                status: 200,
                body: await this.metrics.registry.metrics(),
                contentType: this.metrics.registry.contentType,
              };
            },
          },
          config.metricsSecure
            ? { tls: await loadServingCert(config.metricsCert), authorize: kubeRequestAuthorizer(this.kube) }
            : {},
        ),
      );
    log.info(
      {
        healthPort: health ? this.servers[0]?.port : undefined,
        metricsPort: metricsAddr ? this.servers.at(-1)?.port : undefined,
        metricsSecure: config.metricsSecure,
      },
      MANAGER_LOG.serving,
    );
    await Promise.all([...this.dataflows.values(), ...this.secrets].map((w) => w.reader.synced()));
    if (this.stopping) return;
    log.info({ dataflows: this.dataflowCount() }, MANAGER_LOG.cachesSynced);
    if (!config.leaderElect) return this.startWorkers();
    this.elector = new LeaderElector({
      kube: this.kube,
      namespace: config.leaderElectionNamespace,
      name: config.leaderElectionId,
      identity: this.opts.identity,
      timing: {
        leaseDurationMs: config.leaseDurationMs,
        renewDeadlineMs: config.renewDeadlineMs,
        retryPeriodMs: config.retryPeriodMs,
      },
      onStatus: (leading) => this.metrics.leader(leading),
      onStartedLeading: () => this.startWorkers(),
      onStoppedLeading: () => {
        log.error(
          { lease: `${config.leaderElectionNamespace}/${config.leaderElectionId}` },
          MANAGER_LOG.notLeading,
        );
        this.opts.onLostLeadership();
      },
      onError: (err) => log.warn({ err: String(err) }, 'leader election request failed'),
    });
    this.elector.start();
  }

  /** Bound ports of the endpoints (health first), for tests using `:0`. */
  ports(): number[] {
    return this.servers.map((s) => s.port);
  }

  /**
   * Graceful stop: no new work, in-flight reconciles get up to the shutdown timeout, the Lease is
   * released, watches and servers close. Resolves true when every reconcile finished in time.
   */
  async stop(): Promise<boolean> {
    const { log, config } = this.opts;
    this.stopping = true;
    log.info({ inFlight: this.controller.activeCount() }, MANAGER_LOG.stopping);
    const drained = await this.controller.stop(config.gracefulShutdownTimeoutMs);
    await this.elector?.stop();
    await Promise.all([...this.dataflows.values(), ...this.secrets].map((w) => w.loop.stop()));
    await Promise.all(this.servers.map((s) => s.close()));
    this.kube.close();
    log.info({ drained }, MANAGER_LOG.stopped);
    return drained;
  }

  private startWorkers(): void {
    if (this.workersStarted || this.stopping) return;
    this.workersStarted = true;
    this.opts.log.info({ workers: this.opts.config.maxConcurrentReconciles }, MANAGER_LOG.leading);
    this.controller.start();
  }

  private synced(): boolean {
    return [...this.dataflows.values(), ...this.secrets].every((w) => w.reader.hasSynced());
  }

  private dataflowCount(): number {
    return [...this.dataflows.values()].reduce((n, w) => n + w.reader.keys().length, 0);
  }

  private dataflowStore(key: string): StoreReader<MixpanelDataflow> | undefined {
    const { namespace } = parseKey(key);
    return (this.dataflows.get(namespace) ?? this.dataflows.get(''))?.reader;
  }

  /** Sets up the two watches of one namespace ('' = all namespaces). */
  private watch(namespace: string): void {
    const { config, log } = this.opts;
    const nsPath = namespace ? `/namespaces/${namespace}` : '';
    const common = {
      versionOf: resourceVersionOf,
      stallMs: config.watchTimeoutMs + 30_000,
      onTransition: (t: { from: string; to: string; input: string; error?: unknown }) =>
        log.warn(
          { namespace: namespace || '*', ...t, error: t.error ? String(t.error) : undefined },
          MANAGER_LOG.watchRestart,
        ),
    };
    const timeoutSeconds = Math.ceil(config.watchTimeoutMs / 1000);
    const crs = createStore<MixpanelDataflow>({ key: objectKey, version: resourceVersionOf });
    const crLoop = new WatchLoop<MixpanelDataflow>({
      ...common,
      source: resourceSource(this.kube, {
        path: `/apis/${GROUP}/${VERSION}${nsPath}/${PLURAL}`,
        timeoutSeconds,
        kind: KIND,
        apiVersion: API_VERSION,
      }),
      writer: crs.writer,
      onChange: (c) => this.onDataflowChange(c),
    });
    this.dataflows.set(namespace, { reader: crs.reader, loop: crLoop });
    const secrets = createStore<KubeObject>({ key: objectKey, version: resourceVersionOf });
    const secretLoop = new WatchLoop<KubeObject>({
      ...common,
      source: resourceSource(this.kube, {
        path: `/api/v1${nsPath}/secrets`,
        timeoutSeconds,
        metadataOnly: true,
      }),
      writer: secrets.writer,
      onChange: (c) => this.onSecretChange(c),
    });
    this.secrets.push({ reader: secrets.reader, loop: secretLoop });
  }

  private onDataflowChange(change: StoreChange<MixpanelDataflow>): void {
    if (change.type === 'deleted') {
      this.index.remove(change.key);
      this.controller.forgetKey(change.key);
      if (change.obj.metadata.uid) this.statusWriter.forget(change.obj.metadata.uid);
      const { namespace, name } = change.obj.metadata;
      if (namespace && name) this.opts.onDataflowGone?.({ namespace, name });
      return;
    }
    this.index.set(change.key, change.obj.metadata.namespace!, referencedSecrets(change.obj));
    if (isMeaningfulUpdate(change.old, change.obj)) this.queue.add(change.key);
  }

  private onSecretChange(change: StoreChange<KubeObject>): void {
    for (const key of this.index.referencing(change.key)) this.queue.add(key);
  }
}
