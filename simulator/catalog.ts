/** Catalog datasets (`/data/foundation/catalog/dataSets`), enough for target connections to point at
 * datasets that exist. POST → 201 `["@/dataSets/<id>"]`; GET → `{<id>: {...}}` (EN catalog docs). */
import type { Route, Sim } from './context.js';
import { sandboxId } from './context.js';
import { serviceError } from './errors.js';
import type { Reply } from './http.js';
import { isObject } from './http.js';
import { randomHex } from './ids.js';
import type { Resource, Scope } from './store.js';
import { findSchema } from './schemaregistry.js';

const CAT_BASE = '/data/foundation/catalog';

/** Catalog error codes (Catalog publishes none; the simulator's choice). */
export const CATALOG_CODES = {
  BAD_REQUEST: { code: '1001', title: 'Bad Request' },
  NOT_FOUND: { code: '1002', title: 'Not Found' },
} as const;

/** A dataset in a scope. */
export function findDataset(sim: Sim, scope: Scope, id: string): Resource | undefined {
  return sim.store.get(scope, 'dataSets', id);
}

/** Catalog routes. */
export const catalogRoutes: Route[] = [
  {
    method: 'POST',
    template: `${CAT_BASE}/dataSets`,
    handler: async (ctx): Promise<Reply> => {
      const body = await ctx.json();
      if (!isObject(body) || typeof body['name'] !== 'string' || body['name'] === '') {
        throw serviceError('CAT', 400, CATALOG_CODES.BAD_REQUEST, 'Field name is required.');
      }
      const schemaRef = body['schemaRef'];
      if (!isObject(schemaRef) || typeof schemaRef['id'] !== 'string') {
        throw serviceError('CAT', 400, CATALOG_CODES.BAD_REQUEST, 'Field schemaRef.id is required.');
      }
      if (!findSchema(ctx.sim, ctx.call, schemaRef['id'])) {
        throw serviceError(
          'CAT',
          400,
          CATALOG_CODES.BAD_REQUEST,
          `Schema ${schemaRef['id']} does not exist.`,
        );
      }
      const id = randomHex(24);
      const now = ctx.sim.clock.now();
      const doc: Record<string, unknown> = {
        name: body['name'],
        description: typeof body['description'] === 'string' ? body['description'] : '',
        imsOrg: ctx.call.orgId,
        sandboxId: sandboxId(ctx.call),
        tags: isObject(body['tags']) ? body['tags'] : {},
        version: '1.0.0',
        created: now,
        updated: now,
        createdClient: ctx.call.clientId,
        createdUser: `${ctx.call.clientId}@AdobeID`,
        updatedUser: `${ctx.call.clientId}@AdobeID`,
        viewId: randomHex(24),
        files: `@/dataSetFiles?dataSetId=${id}`,
        schemaRef: {
          id: schemaRef['id'],
          contentType: schemaRef['contentType'] ?? 'application/vnd.adobe.xed+json;version=1',
        },
      };
      ctx.sim.store.insert(ctx.call, 'dataSets', id, doc);
      return { status: 201, body: [`@/dataSets/${id}`], headers: { location: `${CAT_BASE}/dataSets/${id}` } };
    },
  },
  {
    method: 'GET',
    template: `${CAT_BASE}/dataSets`,
    handler: (ctx) => {
      const limit = Math.min(Number(ctx.query.get('limit') ?? 50) || 50, 100);
      const start = Math.max(Number(ctx.query.get('start') ?? 0) || 0, 0);
      const body: Record<string, unknown> = {};
      for (const r of ctx.sim.store.list(ctx.call, 'dataSets').slice(start, start + limit))
        body[r.id] = r.doc;
      return { status: 200, body };
    },
  },
  {
    method: 'GET',
    template: `${CAT_BASE}/dataSets/{id}`,
    handler: (ctx) => {
      const r = findDataset(ctx.sim, ctx.call, ctx.params['id']!);
      if (!r)
        throw serviceError('CAT', 404, CATALOG_CODES.NOT_FOUND, `Dataset ${ctx.params['id']} not found.`);
      return { status: 200, body: { [r.id]: r.doc } };
    },
  },
];
