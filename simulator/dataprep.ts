/** Data Prep mapping sets (`/data/foundation/conversion/mappingSets`): both documented request styles,
 * sourceType normalised to the stored MIME-like values, every version kept, schema checked. */
import type { RequestContext, Route } from './context.js';
import { serviceError } from './errors.js';
import type { Reply } from './http.js';
import { isObject } from './http.js';
import { randomHex } from './ids.js';
import type { Resource } from './store.js';
import { findSchema } from './schemaregistry.js';

const DP_BASE = '/data/foundation/conversion';

/** Documented sourceType values and how Data Prep stores them (EN data-prep mapping-set.md). */
export const SOURCE_TYPES = {
  ATTRIBUTE: 'text/x.schema-path',
  EXPRESSION: 'text/x.aep-xl',
  STATIC: 'text/plain',
} as const;

/** Data Prep error codes (not published by Adobe; the simulator's choice, Flow-Service-shaped). */
export const MAPPER_CODES = {
  INVALID_REQUEST: { code: '1001', title: 'Invalid request' },
  INVALID_SOURCE_TYPE: { code: '1002', title: 'Invalid request' },
  SCHEMA_NOT_FOUND: { code: '1003', title: 'Invalid request' },
  NOT_FOUND: { code: '1004', title: 'Resource not found' },
} as const;

function bad(code: (typeof MAPPER_CODES)[keyof typeof MAPPER_CODES], message: string, status = 400): never {
  throw serviceError('MAPPER', status, code, message);
}

/** Normalises a sourceType; accepts the documented enum (any case) and the stored forms. */
export function normaliseSourceType(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.toUpperCase() as keyof typeof SOURCE_TYPES;
  if (upper in SOURCE_TYPES) return SOURCE_TYPES[upper];
  return (Object.values(SOURCE_TYPES) as string[]).includes(value) ? value : undefined;
}

function schemaIdOf(body: Record<string, unknown>): string {
  const out = body['outputSchema'];
  if (isObject(out) && isObject(out['schemaRef']) && typeof out['schemaRef']['id'] === 'string')
    return out['schemaRef']['id'];
  if (typeof body['xdmSchema'] === 'string' && body['xdmSchema'] !== '') return body['xdmSchema'];
  return bad(MAPPER_CODES.INVALID_REQUEST, 'Either outputSchema.schemaRef.id or xdmSchema is required.');
}

function buildMappings(ctx: RequestContext, raw: unknown, now: number): Record<string, unknown>[] {
  if (!Array.isArray(raw) || raw.length === 0)
    bad(MAPPER_CODES.INVALID_REQUEST, 'mappings must be a non-empty array.');
  return raw.map((m, i) => {
    if (!isObject(m)) bad(MAPPER_CODES.INVALID_REQUEST, `mappings[${i}] must be an object.`);
    const sourceType = normaliseSourceType(m['sourceType']);
    if (!sourceType) {
      bad(
        MAPPER_CODES.INVALID_SOURCE_TYPE,
        `mappings[${i}].sourceType '${String(m['sourceType'])}' is invalid; allowed values are ATTRIBUTE, EXPRESSION, STATIC.`,
      );
    }
    const source = m['source'];
    const destination = m['destination'];
    if (typeof source !== 'string' || typeof destination !== 'string' || destination === '') {
      bad(MAPPER_CODES.INVALID_REQUEST, `mappings[${i}] needs string source and destination.`);
    }
    return {
      id: randomHex(32),
      version: 0,
      createdDate: now,
      modifiedDate: now,
      createdBy: `${ctx.call.clientId}@AdobeID`,
      modifiedBy: `${ctx.call.clientId}@AdobeID`,
      sourceType,
      source,
      destination,
      ...(typeof m['name'] === 'string' ? { name: m['name'] } : {}),
      ...(typeof m['description'] === 'string' ? { description: m['description'] } : {}),
      identity: false,
      primaryIdentity: false,
      matchScore: 0.0,
      functionVersion: 0,
      sourceAttribute: source,
      destinationXdmPath: destination,
    };
  });
}

function buildVersion(
  ctx: RequestContext,
  body: unknown,
  id: string,
  version: number,
  created?: Record<string, unknown>,
): Record<string, unknown> {
  if (!isObject(body)) bad(MAPPER_CODES.INVALID_REQUEST, 'The request body must be a JSON object.');
  const schemaId = schemaIdOf(body);
  if (!findSchema(ctx.sim, ctx.call, schemaId)) {
    bad(MAPPER_CODES.SCHEMA_NOT_FOUND, `Output schema ${schemaId} was not found in Schema Registry.`);
  }
  const now = ctx.sim.clock.now();
  const schemaRef = { id: schemaId, contentType: 'application/vnd.adobe.xed-full+json;version=1' };
  return {
    id,
    version,
    createdDate: created?.['createdDate'] ?? now,
    modifiedDate: now,
    createdBy: created?.['createdBy'] ?? `${ctx.call.clientId}@AdobeID`,
    modifiedBy: `${ctx.call.clientId}@AdobeID`,
    ...(typeof body['name'] === 'string' ? { name: body['name'] } : {}),
    supportVersion: '1.1',
    outputSchema: { schemaRef },
    mappings: buildMappings(ctx, body['mappings'], now),
    status: 'PUBLISHED',
    strictMapping: body['strictMapping'] === true,
    allowNullValues: body['allowNullValues'] === true,
    xdmVersion: typeof body['xdmVersion'] === 'string' ? body['xdmVersion'] : '1.0',
    schemaRef,
    xdmSchema: schemaId,
  };
}

/** All stored versions of a mapping set. */
export function mappingVersions(r: Resource): Record<string, unknown>[] {
  return r.internal['versions'] as Record<string, unknown>[];
}

function lookup(ctx: RequestContext): Resource {
  const id = ctx.params['id']!;
  return (
    ctx.sim.store.get(ctx.call, 'mappingSets', id) ??
    bad(MAPPER_CODES.NOT_FOUND, `Mapping set ${id} not found.`, 404)
  );
}

/** Query parameters of the list (DP-OAS). */
const LIST_PARAMS = ['limit', 'start', 'name', 'orderBy', 'expandSchema'];

/** Largest list page served (Adobe's is not documented). */
export const MAX_LIST_LIMIT = 50;

function intParam(raw: string | null, name: string, min: number): number {
  const n = raw === null ? NaN : Number(raw);
  if (!Number.isInteger(n) || n < min)
    bad(
      MAPPER_CODES.INVALID_REQUEST,
      `Query parameter ${name} is required and must be an integer >= ${min}.`,
    );
  return n;
}

function summary(v: Record<string, unknown>): Record<string, unknown> {
  const { id, version, createdDate, modifiedDate, createdBy, modifiedBy } = v;
  return { id, version, createdDate, modifiedDate, createdBy, modifiedBy };
}

/** Data Prep routes. */
export const dataPrepRoutes: Route[] = [
  {
    method: 'POST',
    template: `${DP_BASE}/mappingSets`,
    handler: async (ctx): Promise<Reply> => {
      const id = randomHex(32);
      const v = buildVersion(ctx, await ctx.json(), id, 0);
      ctx.sim.store.insert(ctx.call, 'mappingSets', id, v, { versions: [v] });
      return { status: 200, body: summary(v) };
    },
  },
  {
    method: 'POST',
    template: `${DP_BASE}/mappingSets/validate`,
    handler: async (ctx): Promise<Reply> => {
      const body = await ctx.json();
      const mappings = isObject(body) && Array.isArray(body['mappings']) ? body['mappings'] : [];
      const validationResponse = mappings.map((m) =>
        isObject(m) && normaliseSourceType(m['sourceType']) && typeof m['destination'] === 'string'
          ? { status: 'SUCCESS', errors: null }
          : {
              status: 'FAILED',
              errors: [
                { exception: 'invalid mapping', sourceType: isObject(m) ? m['sourceType'] : undefined },
              ],
            },
      );
      return { status: 200, body: { validationResponse } };
    },
  },
  {
    method: 'GET',
    template: `${DP_BASE}/mappingSets`,
    handler: (ctx) => {
      // DP-OAS: `limit` and `start` are required; `name`, `orderBy` (±createdDate|updatedDate),
      // `expandSchema` optional. The largest page is not documented: the simulator serves 50.
      for (const key of ctx.query.keys())
        if (!LIST_PARAMS.includes(key)) bad(MAPPER_CODES.INVALID_REQUEST, `Unknown query parameter ${key}.`);
      const limit = intParam(ctx.query.get('limit'), 'limit', 1);
      const start = intParam(ctx.query.get('start'), 'start', 0);
      const name = ctx.sim.settings.ignoreAllFilters ? null : ctx.query.get('name');
      const orderBy = ctx.query.get('orderBy');
      let all = ctx.sim.store
        .list(ctx.call, 'mappingSets')
        .map((r) => r.doc)
        .filter((doc) => name === null || doc['name'] === name);
      if (orderBy !== null) {
        const m = /^([+ -]?)(createdDate|updatedDate)$/.exec(orderBy);
        if (!m) bad(MAPPER_CODES.INVALID_REQUEST, `Unsupported orderBy ${orderBy}.`);
        const field = m[2] === 'updatedDate' ? 'modifiedDate' : 'createdDate';
        const sign = m[1] === '-' ? -1 : 1;
        all = [...all].sort((a, b) => sign * ((a[field] as number) - (b[field] as number)));
      }
      // List items as in Adobe's list example: no `name` (the filter still applies).
      const data = all
        .slice(start, start + Math.min(limit, MAX_LIST_LIMIT))
        .map(({ name: _n, ...rest }) => rest);
      return { status: 200, body: { data, _page: { count: all.length, limit }, _links: {} } };
    },
  },
  {
    method: 'GET',
    template: `${DP_BASE}/mappingSets/{id}`,
    handler: (ctx) => {
      for (const key of ctx.query.keys())
        if (key !== 'version' && key !== 'expandSchema')
          bad(MAPPER_CODES.INVALID_REQUEST, `Unknown query parameter ${key}.`);
      const r = lookup(ctx);
      // DP-OAS: `version` defaults to 0, so a GET without it answers the first version.
      const raw = ctx.query.get('version') ?? '0';
      const versions = mappingVersions(r);
      const n = Number(raw);
      const v = Number.isInteger(n) ? versions[n] : undefined;
      if (!v) bad(MAPPER_CODES.NOT_FOUND, `Mapping set ${r.id} has no version ${raw}.`, 404);
      return { status: 200, body: v };
    },
  },
  {
    method: 'PUT',
    template: `${DP_BASE}/mappingSets/{id}`,
    handler: async (ctx): Promise<Reply> => {
      const r = lookup(ctx);
      const versions = mappingVersions(r);
      const v = buildVersion(ctx, await ctx.json(), r.id, versions.length, r.doc);
      versions.push(v);
      ctx.sim.store.replaceDoc(r, v);
      return { status: 200, body: v };
    },
  },
];
