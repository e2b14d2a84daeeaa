/** Generic Flow Service CRUD: create (201 {id, etag}), GET ({items:[…]}), list, PATCH (JSON Patch +
 * If-Match), DELETE (204). Each resource type plugs in its validation and view. */
import type { RequestContext, Route, Sim } from '../context.js';
import { sandboxId } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import type { Reply } from '../http.js';
import { isObject } from '../http.js';
import { bareEtag, newEtag, newUuid } from '../ids.js';
import { applyPatch, parsePatch } from '../jsonpatch.js';
import { SORT_FIELDS } from '../documented.js';
import { checkParams, matches, parseFilters, type Filter } from '../query.js';
import { listResponse } from '../paging.js';
import type { Kind, Resource } from '../store.js';
import { isDeleting } from './states.js';

export { enterTransition, isDeleting, requireSettledConnection } from './states.js';

/** Path prefix of Flow Service. */
export const FLOW_BASE = '/data/foundation/flowservice';

/** Fields every Flow Service item carries and no PATCH may touch. */
export const SYSTEM_FIELDS = [
  '/id',
  '/createdAt',
  '/updatedAt',
  '/createdBy',
  '/updatedBy',
  '/createdClient',
  '/updatedClient',
  '/sandboxId',
  '/sandboxName',
  '/imsOrgId',
  '/etag',
  '/version',
  '/state',
  '/inheritedAttributes',
  '/lastOperation',
] as const;

/** How one resource type behaves. */
export interface KindDef {
  kind: Kind;
  /** Singular label used in messages (`flow`, `connection`). */
  label: string;
  /** Path under Flow Service (`/flows`). */
  path: string;
  /** Top-level fields the view computes or masks: filters on them must see the view, not the stored doc. */
  viewFields?: readonly string[];
  /** Whether POST answers with a Location header (documented for /connections and /flows only). */
  location: boolean;
  immutable: readonly string[];
  /** Query parameters POST accepts (`mode` for drafts). */
  createParams?: readonly string[];
  /** Validates a create body; returns the type-specific fields. */
  create(ctx: RequestContext, body: Record<string, unknown>, id: string): Record<string, unknown>;
  /** The API view of a stored resource (masking, computed fields). */
  view(sim: Sim, r: Resource): Record<string, unknown>;
  /** Refuses a PATCH before anything else is checked (state, feature), by throwing. */
  beforeUpdate?(ctx: RequestContext, r: Resource): void;
  /** Validates a patched document before it is stored. */
  validatePatch?(ctx: RequestContext, next: Record<string, unknown>, prev: Resource): void;
  /** Called after a PATCH is stored (e.g. to enter `updating`). */
  afterPatch?(ctx: RequestContext, r: Resource): void;
  /** Called after a create is stored (e.g. to enter `inProgress`). */
  afterCreate?(ctx: RequestContext, r: Resource): void;
  /** Called after create or patch (e.g. to (re)schedule runs). */
  afterWrite?(sim: Sim, r: Resource): void;
  /** Refuses a delete (e.g. 1418) by throwing. */
  beforeDelete?(ctx: RequestContext, r: Resource): void;
  /** Deletes (default: at once); flows finalize their deletion first. */
  remove?(ctx: RequestContext, r: Resource): void;
  afterDelete?(sim: Sim, r: Resource): void;
}

/** The standard metadata block of a new item. */
export function metadata(ctx: RequestContext, id: string, now: number): Record<string, unknown> {
  return {
    id,
    createdAt: now,
    updatedAt: now,
    createdBy: `${ctx.call.clientId}@AdobeID`,
    updatedBy: `${ctx.call.clientId}@AdobeID`,
    createdClient: ctx.call.clientId,
    updatedClient: ctx.call.clientId,
    sandboxId: sandboxId(ctx.call),
    sandboxName: ctx.call.sandboxName,
    imsOrgId: ctx.call.orgId,
  };
}

/** A list's `property` filters, parsed with the simulator's strictness settings. */
export function listFilters(ctx: RequestContext, collection: string): Filter[] {
  return parseFilters(ctx.query, {
    collection,
    undocumented: ctx.sim.settings.undocumentedFilters,
    ignoreAll: ctx.sim.settings.ignoreAllFilters,
  });
}

/** One page of a Flow Service list at `basePath`: documented sort fields, configured page sizes. */
export function listPage(
  ctx: RequestContext,
  items: Record<string, unknown>[],
  basePath: string,
  filters: Filter[],
): Record<string, unknown> {
  const opts = {
    basePath,
    sortable: SORT_FIELDS,
    defaultLimit: ctx.sim.config.defaultPageSize,
    maxLimit: ctx.sim.config.maxPageSize,
  };
  return listResponse(items, ctx.query, opts, filters);
}

/** 404 with the documented FLOW-1439-404 body. */
export function notFound(type: string, id: string): never {
  throw flowError(
    404,
    FLOW_CODES.RESOURCE_NOT_FOUND,
    `The requested ${type} resource ${id} is not found. Verify the resource ID before trying again.`,
    {
      report: { id, type },
    },
  );
}

/** A required object field of a body, or 1459. */
export function requireObject(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const v = body[field];
  if (!isObject(v)) throw specValidation(`Missing required field '${field}'.`);
  return v;
}

/** A required non-empty string field, or 1459. */
export function requireString(obj: Record<string, unknown>, field: string, where = ''): string {
  const v = obj[field];
  if (typeof v !== 'string' || v.trim() === '')
    throw specValidation(`Missing required field '${where}${field}'.`);
  return v;
}

/** The simulator's 1459 for bodies that break a spec's JSON Schema (Adobe publishes no code for it). */
export function specValidation(message: string): never {
  throw flowError(400, FLOW_CODES.SPEC_VALIDATION, `Request validation failed: ${message}`);
}

/** Enforces If-Match: missing → 1403 (unless optional), stale → 412 1404; quoted or unquoted both match. */
export function checkIfMatch(ctx: RequestContext, r: Resource, optional = false): void {
  const raw = ctx.headers['if-match'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || value.trim() === '') {
    if (optional) return;
    throw flowError(
      400,
      FLOW_CODES.IF_MATCH_MISSING,
      "The header 'If-Match' is missing in the request. Please provide the header and try again.",
    );
  }
  const current = bareEtag(String(r.doc['etag']));
  if (bareEtag(value) !== current) {
    throw flowError(
      412,
      FLOW_CODES.VERSION_MISMATCH,
      `The supplied version '${value}' does not match the current version on entity '${current}'. Please ensure that the supplied version matches the current version on entity and try again.`,
    );
  }
}

/** Bumps etag/version/updatedAt after a change and returns the `{id, etag}` reply body. */
export function touch(ctx: RequestContext, r: Resource, operation: string): { id: string; etag: string } {
  const now = ctx.sim.clock.now();
  const etag = newEtag(now);
  r.doc['etag'] = etag;
  r.doc['version'] = etag;
  r.doc['updatedAt'] = now;
  r.doc['updatedBy'] = `${ctx.call.clientId}@AdobeID`;
  r.doc['updatedClient'] = ctx.call.clientId;
  r.doc['lastOperation'] = {
    started: now,
    updated: now,
    operation,
    status: { value: 'completed', errors: [] },
  };
  return { id: r.id, etag };
}

/** Looks a resource up in the caller's scope or answers 404 (a deleting one too, unless asked for). */
export function lookup(ctx: RequestContext, def: KindDef, id: string, includeDeleting = false): Resource {
  const r = ctx.sim.store.get(ctx.call, def.kind, id);
  if (!r || (isDeleting(r) && !includeDeleting)) notFound(def.kind, id);
  return r;
}

/** The five CRUD routes of one resource type. */
export function crudRoutes(def: KindDef): Route[] {
  const base = `${FLOW_BASE}${def.path}`;
  return [
    {
      method: 'POST',
      template: base,
      handler: async (ctx): Promise<Reply> => {
        checkParams(ctx.query, def.createParams ?? []);
        const body = await ctx.json();
        if (!isObject(body)) specValidation('The request body must be a JSON object.');
        const id = newUuid();
        const now = ctx.sim.clock.now();
        const fields = def.create(ctx, body, id);
        const etag = newEtag(now);
        const doc = {
          ...metadata(ctx, id, now),
          ...fields,
          etag,
          version: etag,
          lastOperation: {
            started: now,
            updated: now,
            operation: 'create',
            status: { value: 'completed', errors: [] },
          },
        };
        const r = ctx.sim.store.insert(ctx.call, def.kind, id, doc);
        def.afterCreate?.(ctx, r);
        def.afterWrite?.(ctx.sim, r);
        const headers: Record<string, string> = def.location ? { location: `${base}/${id}` } : {};
        return { status: 201, body: { id, etag }, headers };
      },
    },
    {
      method: 'GET',
      template: base,
      handler: (ctx): Reply => {
        const filters = listFilters(ctx, def.path.slice(1));
        // Narrow on the stored documents first (cheap, no copies), then build views of the survivors
        // only; listResponse applies every filter again to the views.
        const prefilters = filters.filter(
          (f) => f.op === '==' && !def.viewFields?.includes(f.segments[0]!.replace('[]', '')),
        );
        const idFilter = prefilters.find((f) => f.path === 'id');
        const nameFilter = prefilters.find((f) => f.path === 'name');
        let resources = idFilter
          ? idFilter.values
              .map((id) => ctx.sim.store.get(ctx.call, def.kind, id))
              .filter((r): r is Resource => r !== undefined)
          : nameFilter
            ? ctx.sim.store.byNames(ctx.call, def.kind, nameFilter.values)
            : ctx.sim.store.list(ctx.call, def.kind);
        resources = resources.filter((r) => !isDeleting(r));
        if (prefilters.length > 0)
          resources = resources.filter((r) => prefilters.every((f) => matches(r.doc, f)));
        const items = resources.map((r) => def.view(ctx.sim, r));
        return { status: 200, body: listPage(ctx, items, def.path, filters) };
      },
    },
    {
      method: 'GET',
      template: `${base}/{id}`,
      handler: (ctx): Reply => {
        checkParams(ctx.query, []);
        const r = lookup(ctx, def, ctx.params['id']!);
        return { status: 200, body: { items: [def.view(ctx.sim, r)] } };
      },
    },
    {
      method: 'PATCH',
      template: `${base}/{id}`,
      handler: async (ctx): Promise<Reply> => {
        checkParams(ctx.query, []);
        const r = lookup(ctx, def, ctx.params['id']!, true);
        checkIfMatch(ctx, r);
        def.beforeUpdate?.(ctx, r);
        const ops = parsePatch(await ctx.json());
        const next = applyPatch(r.doc, ops, [...SYSTEM_FIELDS, ...def.immutable], def.label);
        def.validatePatch?.(ctx, next, r);
        ctx.sim.store.replaceDoc(r, next);
        const reply = touch(ctx, r, 'update');
        def.afterPatch?.(ctx, r);
        def.afterWrite?.(ctx.sim, r);
        return { status: 200, body: reply };
      },
    },
    {
      method: 'DELETE',
      template: `${base}/{id}`,
      handler: (ctx): Reply => {
        checkParams(ctx.query, []);
        const r = lookup(ctx, def, ctx.params['id']!, true);
        def.beforeDelete?.(ctx, r);
        if (def.remove) def.remove(ctx, r);
        else {
          ctx.sim.store.remove(r);
          def.afterDelete?.(ctx.sim, r);
        }
        return { status: 204 };
      },
    },
  ];
}

/** The `{id, version}` of a spec reference, or 1459 when absent. */
export function specRef(body: Record<string, unknown>, field: string): { id: string; version: string } {
  const ref = requireObject(body, field);
  const id = requireString(ref, 'id', `${field}.`);
  const version = typeof ref['version'] === 'string' && ref['version'] !== '' ? ref['version'] : '1.0';
  return { id, version };
}

/** Flows (in the caller's scope) whose field contains the id. */
export function flowsUsing(
  ctx: RequestContext,
  field: 'sourceConnectionIds' | 'targetConnectionIds',
  id: string,
): Resource[] {
  return ctx.sim.store
    .list(ctx.call, 'flows')
    .filter((f) => Array.isArray(f.doc[field]) && (f.doc[field] as unknown[]).includes(id));
}
