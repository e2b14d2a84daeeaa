/**
 * Test harness for the reconcile engine against the simulator: starts a simulator, builds a real
 * connector (Flow Service client → AdobePort), and drives reconciles of one CR whose status is
 * persisted the way the runtime would (the result's status, or only the progress callback).
 * Everything the engine and client log, emit or write to status is kept for the secret scan.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createAdobeConnector, type AdobeConnectorHandle } from '../../controller/adobe/index.js';
import {
  errorPolicy,
  reconcile,
  ReconcileError,
  type EngineEvent,
  type ErrorPolicyOptions,
  type Notice,
  type Operation,
  type ReconcileContext,
} from '../../controller/reconcile/index.js';
import type { Action } from '../../controller/runtime/action.js';
import type { AdobePort } from '../../controller/reconcile/ports.js';
import type { DataflowObject, DataflowSpec, DataflowStatus } from '../../controller/reconcile/types.js';
import type { SecretsByName } from '../../controller/reconcile/desired.js';
import { statusSchema } from '../../controller/api/index.js';
import { SchemaChecker, unknownFields } from '../../controller/api/validate-schema.js';
import { startSimulator, SIMULATOR_DEFAULTS, type RunningSimulator } from '../../simulator/index.js';
import type { RecordedRequest } from '../../simulator/recorder.js';

/** Secret values used by every test; the leak scan looks for each of them. */
export const SECRET_VALUES = {
  mixpanelPassword: 'mp-pass-Zq81xK0-do-not-leak',
  mixpanelPasswordRotated: 'mp-pass-ROTATED-9vTq-do-not-leak',
  platformSecret: SIMULATOR_DEFAULTS.clientSecret,
  platformSecretRotated: 'sim-client-secret-ROTATED-4411',
} as const;

/** Everything observable the engine produced, for the leak scan. */
export const transcript: string[] = [];

/** Every status the engine reported (progress and results), for the schema check. */
export const statusesWritten: DataflowStatus[] = [];

const logSink = new Writable({
  write(chunk, _enc, done) {
    transcript.push(String(chunk));
    done();
  },
});

/** A pino logger that writes into the transcript. */
export const testLogger = pino({ level: 'debug' }, logSink);

/** Response of a plain fetch. */
export interface Resp {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of the simulator's control API
  body: any;
}

async function call(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Resp> {
  const res = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** One resource of the simulator's inventory. */
export interface SimResource {
  kind: string;
  id: string;
  name?: string;
  state?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- stored document
  doc: any;
}

/** A running simulator plus helpers. */
export class Env {
  schemaId = '';
  datasetId = '';
  /** The simulator's clock (manual: it moves only when a test advances it); the engine's follows. */
  simNowMs = 0;
  private constructor(
    readonly sim: RunningSimulator,
    readonly connector: AdobeConnectorHandle,
  ) {}

  /** Starts a simulator, a schema and dataset, and a connector with client retries off by default. */
  static async start(clientOptions: { maxRetries?: number; maxResponseBytes?: number } = {}): Promise<Env> {
    const sim = await startSimulator({ port: 0, manualClock: true });
    const connector = createAdobeConnector(
      {
        imsUrl: sim.url,
        platformUrl: sim.url,
        maxRetries: clientOptions.maxRetries ?? 0,
        requestTimeoutMs: 5_000,
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        rateLimit: { requestsPerSecond: 10_000, burst: 10_000 },
        ...(clientOptions.maxResponseBytes ? { maxResponseBytes: clientOptions.maxResponseBytes } : {}),
      },
      { logger: testLogger },
    );
    const env = new Env(sim, connector);
    await env.advance(0);
    await env.makeSchemaAndDataset();
    return env;
  }

  /** Creates a schema and dataset (the CR's target) through the platform API. */
  async makeSchemaAndDataset(sandbox = 'prod'): Promise<{ schemaId: string; datasetId: string }> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: SIMULATOR_DEFAULTS.clientId,
      client_secret: SIMULATOR_DEFAULTS.clientSecret,
      scope: 'openid,AdobeID,read_organizations',
    });
    const t = await fetch(`${this.sim.url}/ims/token/v3`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const accessToken = ((await t.json()) as { access_token: string }).access_token;
    const headers = {
      authorization: `Bearer ${accessToken}`,
      'x-api-key': SIMULATOR_DEFAULTS.clientId,
      'x-gw-ims-org-id': SIMULATOR_DEFAULTS.orgId,
      'x-sandbox-name': sandbox,
    };
    const schema = await call(
      `${this.sim.url}/data/foundation/schemaregistry/tenant/schemas`,
      'POST',
      {
        title: `Mixpanel events ${Math.random()}`,
        type: 'object',
        allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/experienceevent' }],
      },
      headers,
    );
    const schemaId = schema.body.$id as string;
    const ds = await call(
      `${this.sim.url}/data/foundation/catalog/dataSets`,
      'POST',
      {
        name: `ds-${Math.random()}`,
        schemaRef: { id: schemaId, contentType: 'application/vnd.adobe.xed+json;version=1' },
      },
      headers,
    );
    const datasetId = String(ds.body[0]).replace('@/dataSets/', '');
    if (!this.schemaId && sandbox === 'prod') {
      this.schemaId = schemaId;
      this.datasetId = datasetId;
    }
    return { schemaId, datasetId };
  }

  /** Simulated now: the engine's clock in these tests. */
  now(): Date {
    return new Date(this.simNowMs);
  }

  /** Moves simulated time forward (transitions end, runs fall due); no real waiting. */
  async advance(ms: number): Promise<void> {
    const r = await this.control('POST', 'clock', { advanceMs: Math.max(0, Math.ceil(ms)) });
    if (r.status !== 200) throw new Error(`clock: ${JSON.stringify(r.body)}`);
    this.simNowMs = r.body.now as number;
  }

  /** Changes strictness settings (transition times, PATCH refusal per org, …). */
  async settings(body: Record<string, unknown>): Promise<void> {
    const r = await this.control('POST', 'settings', body);
    if (r.status !== 200) throw new Error(`settings: ${JSON.stringify(r.body)}`);
  }

  /** Lets every transitional state in flight end (the default transitions last 1 s). */
  async settle(): Promise<void> {
    await this.advance(TRANSITION_MS);
  }

  /** A control call under /__simulator/. */
  control(method: string, path: string, body?: unknown): Promise<Resp> {
    return call(`${this.sim.url}/__simulator/${path}`, method, body);
  }

  /** Resources of the simulator, optionally of one kind. */
  async inventory(kind?: string): Promise<SimResource[]> {
    const r = await this.control('GET', 'state');
    const all = r.body.resources as SimResource[];
    return kind ? all.filter((x) => x.kind === kind) : all;
  }

  /** Counts of requests per "METHOD /path/template" since the last reset. */
  async requests(): Promise<Record<string, number>> {
    return (await this.control('GET', 'requests')).body.counts as Record<string, number>;
  }

  /** Every request the simulator recorded (form only: method, path, query, status). */
  async recorded(): Promise<RecordedRequest[]> {
    return (await this.control('GET', 'recorder')).body.requests as RecordedRequest[];
  }

  /** Zeroes the request counters. */
  async resetRequests(): Promise<void> {
    await this.control('DELETE', 'requests');
  }

  /** Sets fault rules. */
  async faults(rules: unknown[], seed = 1): Promise<void> {
    const r = await this.control('POST', 'faults', { seed, rules });
    if (r.status !== 200) throw new Error(`faults: ${JSON.stringify(r.body)}`);
  }

  /** Clears fault rules. */
  async clearFaults(): Promise<void> {
    await this.control('DELETE', 'faults');
  }

  async close(): Promise<void> {
    await this.connector.close();
    await this.sim.close();
  }
}

/** Longest default transition of the simulator (simulator/settings.ts), plus a margin. */
export const TRANSITION_MS = 1_100;

/** Flow Service / Data Prep calls only (no IMS, no control), summed. */
export function adobeCalls(counts: Record<string, number>): { reads: number; writes: number; total: number } {
  let reads = 0;
  let writes = 0;
  for (const [key, n] of Object.entries(counts)) {
    if (!/\/data\/foundation\/(flowservice|conversion)\//.test(key)) continue;
    if (key.startsWith('GET ')) reads += n;
    else writes += n;
  }
  return { reads, writes, total: reads + writes };
}

let uidCounter = 0;

/** A fresh CR spec for the env's dataset. */
export function makeSpec(env: Env, overrides: Partial<DataflowSpec> = {}): DataflowSpec {
  return {
    platform: { sandbox: 'prod', credentialsSecretRef: { name: 'aep-credentials' } },
    source: {
      projectId: '2384945',
      timezone: 'Pacific Standard Time',
      credentialsSecretRef: { name: 'mixpanel-sa' },
    },
    target: { datasetId: env.datasetId, schemaId: env.schemaId },
    mappings: [
      { source: 'distinct_id', destination: '_simtenant.distinct_id' },
      { expression: 'lower(event)', destination: '_simtenant.event_name' },
    ],
    schedule: { frequency: 'minute', interval: 15, startTime: '2030-01-01T00:00:00Z' },
    enabled: true,
    deletionPolicy: 'Delete',
    ...overrides,
  };
}

/** The Secrets the default spec references. */
export function makeSecrets(
  over: { mixpanelPassword?: string; platformSecret?: string } = {},
): Record<string, Record<string, string>> {
  return {
    'aep-credentials': {
      clientId: SIMULATOR_DEFAULTS.clientId,
      clientSecret: over.platformSecret ?? SECRET_VALUES.platformSecret,
      orgId: SIMULATOR_DEFAULTS.orgId,
    },
    'mixpanel-sa': {
      username: 'svc.mixpanel',
      password: over.mixpanelPassword ?? SECRET_VALUES.mixpanelPassword,
    },
  };
}

/**
 * What one reconcile produced, as the runtime side sees it through the context's sinks: the last
 * status written, the events recorded, the last plan, whether the object was released, and the
 * next Action (the engine's, or the error policy's for the ReconcileError it threw).
 */
export interface Outcome {
  status: DataflowStatus;
  events: EngineEvent[];
  plan: Operation[];
  notices: Notice[];
  action: Action;
  error?: ReconcileError;
  deletionComplete: boolean;
}

/** Extra collaborators of one reconcile, plus the error policy's options (fast backoff by default). */
export type ReconcileExtras = Partial<ReconcileContext> & {
  policy?: Partial<ErrorPolicyOptions>;
  random?: () => number;
};

/** One CR plus its Secrets, reconciled like the runtime would, with status persisted between runs. */
export class Driver {
  obj: DataflowObject;
  secrets: Record<string, Record<string, string> | undefined>;
  results: Outcome[] = [];
  progressWrites = 0;
  /** Consecutive failed reconciles (the runtime's per-key counter). */
  failures = 0;
  /** Wraps the port (counting, crashing); identity by default. */
  wrapPort: (port: AdobePort) => AdobePort = (p) => p;

  constructor(
    readonly env: Env,
    spec: DataflowSpec = makeSpec(env),
    uid = `uid-${process.pid}-${++uidCounter}-${Math.random().toString(16).slice(2, 8)}`,
  ) {
    this.obj = { uid, namespace: 'analytics', name: `flow-${uidCounter}`, generation: 1, spec, status: {} };
    this.secrets = makeSecrets();
  }

  /**
   * Reconciles once. Every status write lands in the CR at once (as the manager's status sink
   * writes through the status subresource), so a crash mid-reconcile keeps what was written.
   */
  async reconcile(extra: ReconcileExtras = {}): Promise<Outcome> {
    const { policy, random, writeStatus, ...ctxExtra } = extra;
    let status = structuredClone(this.obj.status ?? {});
    const events: EngineEvent[] = [];
    let plan: { ops: Operation[]; notices: Notice[] } = { ops: [], notices: [] };
    let deletionComplete = false;
    const ctx: ReconcileContext = {
      secrets: this.secrets as SecretsByName,
      connect: (c) => this.wrapPort(this.env.connector.connect(c)),
      logger: testLogger,
      clock: () => this.env.now(),
      // A test's own sink decides what persists; by default every write lands in the CR.
      writeStatus: async (next) => {
        this.progressWrites++;
        transcript.push(JSON.stringify(next));
        statusesWritten.push(structuredClone(next));
        if (writeStatus) await writeStatus(next);
        else this.obj = { ...this.obj, status: structuredClone(next) };
        status = structuredClone(next);
      },
      recordEvent: (e) => void events.push(e),
      release: async () => void (deletionComplete = true),
      onPlan: (p) => void (plan = p),
      ...ctxExtra,
    };
    let action: Action;
    let error: ReconcileError | undefined;
    try {
      action = await reconcile(structuredClone(this.obj), ctx);
      this.failures = 0;
    } catch (err) {
      if (!(err instanceof ReconcileError)) throw err;
      error = err;
      this.failures += 1;
      // Delays only move simulated time here (see converge): nothing waits for them for real.
      const options = { backoffBaseMs: 1_000, backoffMaxMs: 5_000, ...policy };
      action = errorPolicy(err, this.failures, options, random);
    }
    const res: Outcome = {
      status,
      events,
      plan: plan.ops,
      notices: plan.notices,
      action,
      ...(error ? { error } : {}),
      deletionComplete,
    };
    this.record(res);
    return res;
  }

  /** Keeps a result for assertions and the leak scan. */
  record(res: Outcome): void {
    this.results.push(res);
    transcript.push(JSON.stringify(res.status), JSON.stringify(res.events), res.error?.message ?? '');
  }

  /** Changes the spec and bumps generation. */
  setSpec(change: (spec: DataflowSpec) => DataflowSpec): void {
    this.obj = {
      ...this.obj,
      spec: change(structuredClone(this.obj.spec)),
      generation: this.obj.generation + 1,
    };
  }

  /**
   * Reconciles until Ready=True, Synced=True and nothing left to wait for (the engine waits for a
   * change), at most `max` times; between reconciles simulated time moves on by the requeue delay,
   * as the runtime's queue would, so Adobe's transitional states end.
   */
  async converge(max = 6): Promise<Outcome> {
    let res: Outcome | undefined;
    for (let i = 0; i < max; i++) {
      res = await this.reconcile();
      if (isReady(res) && isSynced(res) && res.action.requeueAfterMs === null) return res;
      await this.env.advance(Math.max(res.action.requeueAfterMs ?? 0, TRANSITION_MS));
    }
    throw new Error(`did not converge: ${JSON.stringify(res?.status.conditions)}`);
  }

  /** Reconciles a deletion until the finalizer may go (simulated time moves between attempts). */
  async deleteFully(max = 6): Promise<Outcome> {
    let res: Outcome | undefined;
    for (let i = 0; i < max; i++) {
      res = await this.reconcile();
      if (res.deletionComplete) return res;
      await this.env.advance(Math.max(res.action.requeueAfterMs ?? 0, TRANSITION_MS));
    }
    throw new Error(`deletion did not complete: ${JSON.stringify(res?.status.conditions)}`);
  }
}

/** Condition status of a type. */
export function condition(res: { status: DataflowStatus }, type: string) {
  return res.status.conditions?.find((c) => c.type === type);
}

/** Ready=True. */
export const isReady = (res: { status: DataflowStatus }) => condition(res, 'Ready')?.status === 'True';
/** Synced=True. */
export const isSynced = (res: { status: DataflowStatus }) => condition(res, 'Synced')?.status === 'True';

/** Resources of one CR (by the uid embedded in names, or by the ids in status). */
export async function chainOf(
  env: Env,
  status: DataflowStatus,
): Promise<Record<string, SimResource | undefined>> {
  const all = await env.inventory();
  const byId = (id?: string) => (id ? all.find((r) => r.id === id) : undefined);
  return {
    base: byId(status.baseConnection?.id),
    source: byId(status.sourceConnection?.id),
    target: byId(status.targetConnection?.id),
    mapping: byId(status.mappingSet?.id),
    flow: byId(status.flow?.id),
  };
}

/** The Mapping transformation of a stored flow document, wherever it sits (a Copy may come first). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- stored document
export function mappingOf(flowDoc: any): {
  name: string;
  params: { mappingId: string; mappingVersion: string };
} {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- stored document
  return (flowDoc?.transformations ?? []).find((t: any) => t.name === 'Mapping');
}

/** Test Secret values found anywhere in the transcript (logs, events, status); empty means no leak. */
export function leakedSecrets(): string[] {
  const text = transcript.join('\n');
  return Object.values(SECRET_VALUES).filter((v) => text.includes(v));
}

/**
 * Problems the CRD's status schema finds in the statuses written so far (as the API server would:
 * schema errors, and fields it would prune).
 */
export function statusSchemaProblems(): string[] {
  const out: string[] = [];
  for (const status of statusesWritten) {
    const checker = new SchemaChecker();
    checker.check(statusSchema, status, 'status');
    for (const e of [...checker.errors, ...unknownFields(statusSchema, status, 'status')])
      out.push(`${e.field}: ${e.message}`);
  }
  return [...new Set(out)];
}

/**
 * One simulator for the test file (started before its tests, closed after them), as an Env whose
 * members resolve to the started one.
 */
export function useEnv(clientOptions: { maxRetries?: number } = {}): Env {
  let env: Env | undefined;
  beforeAll(async () => {
    env = await Env.start(clientOptions);
  });
  afterAll(async () => env?.close());
  return new Proxy({} as Env, {
    get: (_target, prop) => {
      if (!env) throw new Error('the simulator starts in beforeAll');
      const value = Reflect.get(env, prop, env) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(env) : value;
    },
  });
}

/** The checks every engine test file ends with: no test Secret leaked, every status schema-valid. */
export function describeSecretHygiene(): void {
  describe('secret hygiene', () => {
    it('never puts a test Secret value into logs, events or status', () => {
      expect(transcript.length).toBeGreaterThan(0);
      expect(leakedSecrets()).toEqual([]);
    });

    it('writes only statuses the CRD status schema accepts', () => {
      expect(statusesWritten.length).toBeGreaterThan(0);
      expect(statusSchemaProblems()).toEqual([]);
    });
  });
}
