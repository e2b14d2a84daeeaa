/** Schema Registry (`/data/foundation/schemaregistry`): tenant schemas and /stats, enough for a target
 * connection and a mapping set to be checked against a schema that exists. */
import type { Route, Sim } from './context.js';
import { xdmError } from './errors.js';
import type { Reply } from './http.js';
import { isObject } from './http.js';
import { randomHex } from './ids.js';
import type { Resource, Scope } from './store.js';

const SR_BASE = '/data/foundation/schemaregistry';

/** Standard XDM classes a tenant schema may extend (EN xdm docs). */
export const XDM_CLASSES = [
  'https://ns.adobe.com/xdm/context/experienceevent',
  'https://ns.adobe.com/xdm/context/profile',
  'https://ns.adobe.com/xdm/data/record',
  'https://ns.adobe.com/xdm/data/time-series',
] as const;

/** A schema by `$id` or `meta:altId` in a scope. */
export function findSchema(sim: Sim, scope: Scope, idOrAltId: string): Resource | undefined {
  const direct = sim.store.get(scope, 'schemas', idOrAltId);
  if (direct) return direct;
  return sim.store.list(scope, 'schemas').find((r) => r.doc['meta:altId'] === idOrAltId);
}

function createSchema(sim: Sim, scope: Scope, body: unknown): Reply {
  if (!isObject(body)) throw xdmError(400, 'BadRequestError', 'The request body must be a JSON object.');
  const title = body['title'];
  if (typeof title !== 'string' || title.trim() === '')
    throw xdmError(400, 'BadRequestError', 'title is required.');
  if (body['type'] !== undefined && body['type'] !== 'object')
    throw xdmError(400, 'BadRequestError', "type must be 'object'.");
  const allOf = body['allOf'];
  if (!Array.isArray(allOf) || allOf.length === 0)
    throw xdmError(400, 'BadRequestError', 'allOf must reference one class.');
  const refs = allOf.map((e) => (isObject(e) && typeof e['$ref'] === 'string' ? e['$ref'] : ''));
  const classes = refs.filter((r) => (XDM_CLASSES as readonly string[]).includes(r));
  if (classes.length !== 1 || refs.includes('')) {
    throw xdmError(400, 'BadRequestError', 'A schema must reference exactly one class in allOf.');
  }
  const tenant = sim.tenantOf(scope.orgId);
  const hex = randomHex(48);
  const $id = `https://ns.adobe.com/${tenant}/schemas/${hex}`;
  const now = sim.clock.now();
  const doc: Record<string, unknown> = {
    $id,
    'meta:altId': `_${tenant}.schemas.${hex}`,
    'meta:resourceType': 'schemas',
    version: '1.0',
    title,
    type: 'object',
    description: typeof body['description'] === 'string' ? body['description'] : '',
    allOf: allOf.map((e) => ({ $ref: (e as { $ref: string }).$ref })),
    refs,
    required: classes[0] === XDM_CLASSES[0] ? ['_id', 'timestamp'] : [],
    imsOrg: scope.orgId,
    'meta:extensible': false,
    'meta:abstract': false,
    'meta:extends': refs,
    'meta:xdmType': 'object',
    'meta:class': classes[0],
    'meta:containerId': 'tenant',
    'meta:tenantNamespace': `_${tenant}`,
    'meta:registryMetadata': {
      'repo:createdDate': now,
      'repo:lastModifiedDate': now,
      'xdm:createdClientId': 'sim',
      'xdm:repositoryCreatedBy': 'sim',
      'meta:globalLibVersion': '1.0',
    },
  };
  sim.store.insert(scope, 'schemas', $id, doc);
  return { status: 201, body: doc };
}

/** Schema Registry routes. */
export const schemaRegistryRoutes: Route[] = [
  {
    method: 'POST',
    template: `${SR_BASE}/tenant/schemas`,
    handler: async (ctx) => createSchema(ctx.sim, ctx.call, await ctx.json()),
  },
  {
    method: 'GET',
    template: `${SR_BASE}/tenant/schemas`,
    handler: (ctx) => {
      const results = ctx.sim.store.list(ctx.call, 'schemas').map((r) => ({
        $id: r.doc['$id'],
        'meta:altId': r.doc['meta:altId'],
        version: r.doc['version'],
        title: r.doc['title'],
      }));
      return {
        status: 200,
        body: { results, _page: { orderby: 'updated', next: null, count: results.length }, _links: {} },
      };
    },
  },
  {
    method: 'GET',
    template: `${SR_BASE}/tenant/schemas/{id}`,
    handler: (ctx) => {
      const id = ctx.params['id']!;
      const r = findSchema(ctx.sim, ctx.call, id);
      if (!r) throw xdmError(404, 'NotFoundError', `The requested resource ${id} was not found.`);
      return { status: 200, body: r.doc };
    },
  },
  {
    method: 'GET',
    template: `${SR_BASE}/stats`,
    handler: (ctx) => {
      const schemas = ctx.sim.store.list(ctx.call, 'schemas');
      return {
        status: 200,
        body: {
          imsOrg: ctx.call.orgId,
          tenantId: ctx.sim.tenantOf(ctx.call.orgId),
          counts: { schemas: schemas.length, mixins: 0, datatypes: 0, classes: 0, unions: 0 },
          recentlyCreatedResources: schemas
            .slice(-5)
            .map((r) => ({ $id: r.doc['$id'], title: r.doc['title'] })),
          recentlyUpdatedResources: [],
          classUsage: {},
        },
      };
    },
  },
];
