/** Test helpers: start a simulator, get a token, call the platform and control APIs with plain fetch. */
import { expect } from '@jest/globals';
import { startSimulator, SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import type { RunningSimulator, SimulatorOptions } from '../../simulator/index.js';

export const MIXPANEL_SPEC = 'fd2c8ff3-1de0-4f6b-8fa8-4264784870eb';
export const DATA_LAKE_SPEC = 'c604ff05-7f1a-43c0-8e18-33bf874cb11c';
export const FLOW_SPEC = '6499120c-0b15-42dc-936e-847ea3c24d72';
export const FS = '/data/foundation/flowservice';

export interface Resp {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A simulator plus a client bound to one org/sandbox. */
export class Harness {
  token = '';
  sandbox = 'prod';
  clientId: string = SIMULATOR_DEFAULTS.clientId;
  orgId: string = SIMULATOR_DEFAULTS.orgId;

  private constructor(readonly sim: RunningSimulator) {}

  static async start(opts: SimulatorOptions = {}): Promise<Harness> {
    const h = new Harness(await startSimulator({ port: 0, ...opts }));
    if (opts.clientId) h.clientId = opts.clientId;
    if (opts.orgId) h.orgId = opts.orgId;
    await h.login(opts.clientSecret ?? SIMULATOR_DEFAULTS.clientSecret);
    return h;
  }

  get url(): string {
    return this.sim.url;
  }

  async login(secret: string = SIMULATOR_DEFAULTS.clientSecret): Promise<void> {
    const r = await this.token_(this.clientId, secret);
    this.token = r.body.access_token;
  }

  token_(clientId: string, secret: string, scope = 'openid,AdobeID,read_organizations'): Promise<Resp> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      scope,
    });
    return raw(`${this.url}/ims/token/v3`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      authorization: `Bearer ${this.token}`,
      'x-api-key': this.clientId,
      'x-gw-ims-org-id': this.orgId,
      'x-sandbox-name': this.sandbox,
      ...extra,
    };
  }

  /** A platform call with all gateway headers (override or drop them with `headers`: undefined removes). */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string | undefined> = {},
  ): Promise<Resp> {
    const h: Record<string, string> = { ...this.headers() };
    if (body !== undefined) h['content-type'] = 'application/json';
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) delete h[k];
      else h[k] = v;
    }
    return raw(`${this.url}${path}`, {
      method,
      headers: h,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  /** A control call. */
  control(method: string, path: string, body?: unknown): Promise<Resp> {
    return raw(`${this.url}/__simulator/${path}`, {
      method,
      ...(body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
  }

  /** Advances the simulated clock; logs in again after jumps that outlive the token. */
  async advance(ms: number, relogin = true): Promise<Resp> {
    const r = await this.control('POST', 'clock', { advanceMs: ms });
    if (relogin) await this.login();
    return r;
  }

  close(): Promise<void> {
    return this.sim.close();
  }

  // ---- the tutorial chain ----

  async schema(title = 'Mixpanel events'): Promise<string> {
    const r = await this.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
      title,
      type: 'object',
      allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/experienceevent' }],
    });
    expect(r.status).toBe(201);
    return r.body.$id;
  }

  async dataset(schemaId: string): Promise<string> {
    const r = await this.call('POST', '/data/foundation/catalog/dataSets', {
      name: `ds-${Math.random()}`,
      schemaRef: { id: schemaId, contentType: 'application/vnd.adobe.xed+json;version=1' },
    });
    expect(r.status).toBe(201);
    return String(r.body[0]).replace('@/dataSets/', '');
  }

  async base(username = 'svc.user', name = 'Mixpanel base connection'): Promise<string> {
    const r = await this.call('POST', `${FS}/connections`, {
      name,
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      auth: { specName: 'Basic Authentication', params: { username, password: 's3cret' } },
    });
    expect(r.status).toBe(201);
    return r.body.id;
  }

  async source(baseId: string, projectId = '2384945'): Promise<string> {
    const r = await this.call('POST', `${FS}/sourceConnections`, {
      name: 'Mixpanel source',
      baseConnectionId: baseId,
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      data: { format: 'json' },
      params: { projectId, timezone: 'Pacific Standard Time' },
    });
    expect(r.status).toBe(201);
    return r.body.id;
  }

  async target(dataSetId: string, schemaId: string): Promise<string> {
    const r = await this.call('POST', `${FS}/targetConnections`, {
      name: 'Data lake target',
      connectionSpec: { id: DATA_LAKE_SPEC, version: '1.0' },
      data: {
        format: 'parquet_xdm',
        schema: { id: schemaId, version: 'application/vnd.adobe.xed-full+json;version=1' },
      },
      params: { dataSetId },
    });
    expect(r.status).toBe(201);
    return r.body.id;
  }

  async mapping(schemaId: string): Promise<string> {
    const r = await this.call('POST', '/data/foundation/conversion/mappingSets', {
      version: 0,
      xdmSchema: schemaId,
      xdmVersion: '1.0',
      id: null,
      mappings: [
        {
          destinationXdmPath: '_simtenant.distinct_id',
          sourceType: 'ATTRIBUTE',
          source: 'data.distinct_id',
          destination: '_simtenant.distinct_id',
        },
      ],
    });
    expect(r.status).toBe(200);
    return r.body.id;
  }

  flowBody(
    sourceId: string,
    targetId: string,
    mappingId: string,
    schedule: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return {
      name: 'Mixpanel dataflow',
      flowSpec: { id: FLOW_SPEC, version: '1.0' },
      sourceConnectionIds: [sourceId],
      targetConnectionIds: [targetId],
      transformations: [{ name: 'Mapping', params: { mappingId, mappingVersion: '0' } }],
      scheduleParams: { startTime: '1625040887', frequency: 'minute', interval: 15, ...schedule },
    };
  }

  /** Builds the whole chain; returns every id. */
  async chain(
    schedule: Record<string, unknown> = {},
  ): Promise<
    Record<'schemaId' | 'dataSetId' | 'baseId' | 'sourceId' | 'targetId' | 'mappingId' | 'flowId', string>
  > {
    const schemaId = await this.schema();
    const dataSetId = await this.dataset(schemaId);
    const baseId = await this.base();
    const sourceId = await this.source(baseId);
    const targetId = await this.target(dataSetId, schemaId);
    const mappingId = await this.mapping(schemaId);
    const r = await this.call('POST', `${FS}/flows`, this.flowBody(sourceId, targetId, mappingId, schedule));
    expect(r.status).toBe(201);
    return { schemaId, dataSetId, baseId, sourceId, targetId, mappingId, flowId: r.body.id };
  }
}

/** fetch → {status, headers, parsed body}. */
export async function raw(url: string, init: RequestInit): Promise<Resp> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, headers: res.headers, body };
}

/** The code embedded in a Flow Service error type URI, e.g. `FLOW-1403-400`. */
export function errorType(body: { type?: string }): string | undefined {
  return body.type?.replace('https://ns.adobe.com/aep/errors/', '');
}
