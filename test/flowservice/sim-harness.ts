/** Contract-test harness: a real simulator over HTTP, its control endpoints, and a client bound to it. */
import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { request } from 'undici';
import { startSimulator, SIMULATOR_DEFAULTS, type RunningSimulator } from '../../simulator/index.js';
import {
  createFlowServiceClient,
  type FlowServiceClient,
  type FlowServiceClientDeps,
  type FlowServiceConfigInput,
  type RequestEvent,
} from '../../controller/flowservice/index.js';

/** Ids from Adobe's Mixpanel tutorial. */
export const SPECS = {
  mixpanelSource: 'fd2c8ff3-1de0-4f6b-8fa8-4264784870eb',
  restToAep: '6499120c-0b15-42dc-936e-847ea3c24d72',
  dataLakeTarget: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c',
} as const;

/** Content type of a full XDM schema reference. */
export const XDM_FULL = 'application/vnd.adobe.xed-full+json;version=1';

/** Fault rule as the simulator's POST /__simulator/faults accepts it. */
export interface FaultRule {
  path?: string;
  method?: string;
  status?: number;
  times?: number;
  statusRates?: Record<string, number>;
  latencyMs?: number;
  dropRate?: number;
  rateLimit?: { limit: number; windowMs: number; retryAfterSeconds?: number };
}

/** A started simulator plus helpers for its control endpoints. */
export interface SimHarness {
  url: string;
  sim: RunningSimulator;
  control(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
  faults(rules: FaultRule[], seed?: number): Promise<void>;
  requestCounts(): Promise<{ counts: Record<string, number>; tokenRequests: number }>;
  resetCounts(): Promise<void>;
  reset(): Promise<void>;
  /** Moves simulated time (manual: it moves only through this), e.g. past a transitional state. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Longest default transitional state of the simulator (simulator/settings.ts), plus a margin. */
export const TRANSITION_MS = 1_100;

/** Starts a simulator on a free port. */
export async function startHarness(): Promise<SimHarness> {
  const sim = await startSimulator({ manualClock: true });
  const control = async (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<unknown> => {
    const res = await request(`${sim.url}/__simulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`control ${method} ${path}: ${res.statusCode} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  };
  return {
    url: sim.url,
    sim,
    control,
    faults: async (rules, seed = 1) => {
      await control('POST', 'faults', { seed, rules });
    },
    requestCounts: async () =>
      (await control('GET', 'requests')) as { counts: Record<string, number>; tokenRequests: number },
    resetCounts: async () => {
      await control('DELETE', 'requests');
    },
    reset: async () => {
      await control('POST', 'reset');
    },
    advance: async (ms) => {
      await control('POST', 'clock', { advanceMs: ms });
    },
    close: () => sim.close(),
  };
}

/** Client settings for tests: fast retries, a generous rate limit unless overridden. */
export function clientConfig(
  h: SimHarness,
  overrides: Partial<FlowServiceConfigInput> = {},
): FlowServiceConfigInput {
  return {
    imsUrl: h.url,
    platformUrl: h.url,
    credentials: { ...SIMULATOR_DEFAULTS },
    sandbox: 'prod',
    requestTimeoutMs: 2_000,
    maxRetries: 3,
    retry: { baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5_000 },
    rateLimit: { requestsPerSecond: 1_000, burst: 1_000 },
    ...overrides,
  };
}

/** A client against the harness, recording every request event. */
export function clientFor(
  h: SimHarness,
  overrides: Partial<FlowServiceConfigInput> = {},
  deps: FlowServiceClientDeps = {},
): { client: FlowServiceClient; events: RequestEvent[] } {
  const events: RequestEvent[] = [];
  const client = createFlowServiceClient(clientConfig(h, overrides), {
    observer: { onRequest: (e) => events.push(e), onThrottled: () => {}, onTokenRefresh: () => {} },
    ...deps,
  });
  return { client, events };
}

/** A pino logger at trace level whose lines are kept in memory. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

/** Creates an XDM schema and a dataset on it (the client only reads these; setup uses raw HTTP). */
export async function seedSchemaAndDataset(h: SimHarness): Promise<{ schemaId: string; datasetId: string }> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: SIMULATOR_DEFAULTS.clientId,
    client_secret: SIMULATOR_DEFAULTS.clientSecret,
    scope: 'openid,AdobeID',
  });
  const tokenRes = await request(`${h.url}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const { access_token: token } = (await tokenRes.body.json()) as { access_token: string };
  const headers = {
    authorization: `Bearer ${token}`,
    'x-api-key': SIMULATOR_DEFAULTS.clientId,
    'x-gw-ims-org-id': SIMULATOR_DEFAULTS.orgId,
    'x-sandbox-name': 'prod',
    'content-type': 'application/json',
  };
  const schemaRes = await request(`${h.url}/data/foundation/schemaregistry/tenant/schemas`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      title: 'Mixpanel events',
      type: 'object',
      allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/experienceevent' }],
    }),
  });
  const schema = (await schemaRes.body.json()) as { $id: string };
  const dsRes = await request(`${h.url}/data/foundation/catalog/dataSets`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'mixpanel-events', schemaRef: { id: schema.$id, contentType: XDM_FULL } }),
  });
  const [ref] = (await dsRes.body.json()) as string[];
  return { schemaId: schema.$id, datasetId: String(ref).replace('@/dataSets/', '') };
}

/**
 * Registers jest hooks: one simulator for the file, reset before each test; clients passed through
 * `track` are closed after each test.
 */
export function useHarness(): {
  readonly h: SimHarness;
  track<T extends { client: FlowServiceClient }>(made: T): T;
} {
  let harness: SimHarness | undefined;
  const open: FlowServiceClient[] = [];
  beforeAll(async () => {
    harness = await startHarness();
  });
  beforeEach(async () => {
    await harness?.reset();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await harness?.close();
  });
  return {
    get h() {
      if (!harness) throw new Error('the simulator starts in beforeAll');
      return harness;
    },
    track(made) {
      open.push(made.client);
      return made;
    },
  };
}
