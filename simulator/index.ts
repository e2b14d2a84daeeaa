/** Public entry: start a Flow Service / Data Prep / Catalog / Schema Registry / IMS simulator on one port. */
import type { AddressInfo } from 'node:net';
import { Ims } from './auth.js';
import { SimClock, type Clock } from './clock.js';
import type { Route, Sim, SimConfig } from './context.js';
import { MixpanelMarks } from './context.js';
import { Counters } from './control.js';
import { catalogRoutes } from './catalog.js';
import { dataPrepRoutes } from './dataprep.js';
import { Faults } from './faults.js';
import { loadFixtures, type SimulatorFixtures } from './fixtures.js';
import { connectionRoutes } from './flowservice/connections.js';
import { flowRoutes } from './flowservice/flowActions.js';
import { specRoutes } from './flowservice/specsApi.js';
import { runRoutes } from './flowservice/runsApi.js';
import { sourceConnectionRoutes } from './flowservice/sourceConnections.js';
import { targetConnectionRoutes } from './flowservice/targetConnections.js';
import { isObject } from './http.js';
import { RequestRecorder } from './recorder.js';
import { RUN_ERRORS, RunEngine } from './runs.js';
import { RequestLog } from './request-log.js';
import { RunLedger } from './run-ledger.js';
import { schemaRegistryRoutes } from './schemaregistry.js';
import { createSimServer } from './server.js';
import { defaultSettings, updateSettings } from './settings.js';
import { Store } from './store.js';
import { Transitions } from './transitions.js';

export { ManualClock, SimClock, type Clock } from './clock.js';

/** Options for startSimulator. */
export interface SimulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  clientId?: string;
  clientSecret?: string;
  orgId?: string;
  /** Access token lifetime in seconds (IMS's documented value is 86399). */
  tokenLifetimeSeconds?: number;
  /** Tenant id for the default org (Schema Registry /stats). */
  tenantId?: string;
  /** List page size when no `limit` is sent. */
  defaultPageSize?: number;
  /** Runs kept per flow. */
  runHistoryPerFlow?: number;
  /**
   * Where the simulated clock starts relative to real time (ms, may be negative). A test that
   * needs runs older than real time (last success an hour ago, for a real Prometheus' `time()`)
   * starts in the past and advances to the present.
   */
  clockOffsetMs?: number;
  /** Schemas and datasets that exist from the start with fixed ids (kept across reset). */
  fixtures?: SimulatorFixtures;
  /**
   * The simulated clock (default: real time plus what the control API advances). Tests pass a
   * `ManualClock` so that latency, rate-limit windows and token expiry move only when they say.
   */
  clock?: Clock;
  /** Initial strictness settings, as `POST /__simulator/settings` takes them (kept across reset). */
  settings?: Record<string, unknown>;
  /**
   * Without `clock`: simulated time moves only through `POST /__simulator/clock` (virtual time
   * for tests; injected latency still waits in real time).
   */
  manualClock?: boolean;
}

/** A started simulator. */
export interface RunningSimulator {
  /** `http://127.0.0.1:<port>`; use it as both the IMS and the platform base URL. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Default credentials and org of a simulator started without options. */
export const SIMULATOR_DEFAULTS = {
  clientId: 'sim-client-id',
  clientSecret: 'sim-client-secret',
  orgId: 'SIMORG00000000000000000@AdobeOrg',
} as const;

/** Every platform route. */
export const PLATFORM_ROUTES: Route[] = [
  ...connectionRoutes,
  ...sourceConnectionRoutes,
  ...targetConnectionRoutes,
  ...flowRoutes,
  ...specRoutes,
  ...runRoutes,
  ...dataPrepRoutes,
  ...catalogRoutes,
  ...schemaRegistryRoutes,
];

function resolveConfig(opts: SimulatorOptions): SimConfig {
  return {
    clientId: opts.clientId ?? SIMULATOR_DEFAULTS.clientId,
    clientSecret: opts.clientSecret ?? SIMULATOR_DEFAULTS.clientSecret,
    orgId: opts.orgId ?? SIMULATOR_DEFAULTS.orgId,
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 86399,
    tenantId: opts.tenantId ?? 'simtenant',
    defaultPageSize: opts.defaultPageSize ?? 100,
    maxPageSize: 1000,
    runHistoryPerFlow: opts.runHistoryPerFlow ?? 100,
    clockOffsetMs: opts.clockOffsetMs ?? 0,
  };
}

function buildSim(config: SimConfig, clock: Clock, ledger: RunLedger): Sim {
  const store = new Store();
  const mixpanel = new MixpanelMarks();
  // Runs of a flow whose Mixpanel account or project is marked invalid fail like a copy error.
  const forcedFailure = (flowId: string) => {
    const flow = store.find(flowId);
    const sourceId = (flow?.doc['sourceConnectionIds'] as string[] | undefined)?.[0];
    const source = sourceId ? store.find(sourceId) : undefined;
    const base = source ? store.find(String(source.doc['baseConnectionId'])) : undefined;
    const auth = base?.doc['auth'];
    const username = isObject(auth) && isObject(auth['params']) ? auth['params']['username'] : undefined;
    const projectId = isObject(source?.doc['params'])
      ? (source.doc['params'] as Record<string, unknown>)['projectId']
      : undefined;
    return mixpanel.problem(username, projectId)
      ? { status: 'failed' as const, outputRecordCount: 0, errors: [{ ...RUN_ERRORS.COPY_FAILED }] }
      : undefined;
  };
  const ims = new Ims(() => clock.now(), config.tokenLifetimeSeconds);
  ims.addCredential({ clientId: config.clientId, clientSecret: config.clientSecret, orgId: config.orgId });
  return {
    config,
    clock,
    store,
    ims,
    mixpanel,
    settings: defaultSettings(),
    transitions: new Transitions(),
    runs: new RunEngine(config.runHistoryPerFlow, forcedFailure, (r) =>
      ledger.record(
        r.flowId,
        r.sourceConnectionId,
        r.startedAt,
        r.outcome.durationMs,
        r.outcome.status,
        () => {
          const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
          return {
            sourceConnectionName: text(store.find(r.sourceConnectionId)?.doc['name']),
            flowDescription: text(store.find(r.flowId)?.doc['description']),
          };
        },
      ),
    ),
    tenantOf: (orgId) =>
      orgId === config.orgId
        ? config.tenantId
        : `tenant${orgId
            .replace(/[^a-zA-Z0-9]/g, '')
            .slice(0, 8)
            .toLowerCase()}`,
  };
}

/** Starts a simulator; resolves once it listens. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const config = resolveConfig(opts);
  const ledger = new RunLedger();
  const requestLog = new RequestLog();
  const sim = buildSim(
    config,
    opts.clock ?? new SimClock(config.clockOffsetMs, opts.manualClock ?? false),
    ledger,
  );
  const applySettings = () => {
    sim.settings = defaultSettings();
    if (opts.settings) updateSettings(sim.settings, opts.settings);
  };
  applySettings();
  const loadAll = () => opts.fixtures && loadFixtures(sim, opts.fixtures);
  loadAll();
  const faults = new Faults();
  const counters = new Counters();
  const recorder = new RequestRecorder();
  const target = {
    sim,
    faults,
    counters,
    ledger,
    requestLog,
    recorder,
    reset(): void {
      sim.store.clear();
      sim.transitions.clear();
      applySettings();
      recorder.clear();
      sim.runs.reset();
      sim.ims.reset();
      sim.ims.lifetimeSeconds = config.tokenLifetimeSeconds;
      sim.mixpanel.reset();
      sim.clock.reset();
      faults.clear();
      counters.reset();
      ledger.reset();
      requestLog.reset();
      loadAll();
    },
  };
  const server = createSimServer(target, PLATFORM_ROUTES);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
