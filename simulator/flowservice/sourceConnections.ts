/** Source connections (`/sourceConnections`): Mixpanel project + timezone on a base connection. */
import type { RequestContext, Route } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import { isObject } from '../http.js';
import type { KindDef } from './common.js';
import {
  crudRoutes,
  enterTransition,
  flowsUsing,
  requireObject,
  requireSettledConnection,
  requireString,
  specRef,
  specValidation,
} from './common.js';
import { MIXPANEL_SOURCE_PARAMS, SPEC_IDS } from './specs.js';

function invalidSpec(id: string): never {
  throw flowError(
    400,
    FLOW_CODES.INVALID_SPEC,
    'The spec ID provided is  invalid. Please provide a valid spec ID and try again.',
    { details: id },
  );
}

function validateSourceFields(next: Record<string, unknown>): void {
  const data = requireObject(next, 'data');
  if (String(data['format']).toLowerCase() !== 'json') {
    specValidation(
      `Unsupported data.format '${String(data['format'])}': json is the only supported data format.`,
    );
  }
  const params = requireObject(next, 'params');
  for (const p of MIXPANEL_SOURCE_PARAMS) requireString(params, p, 'params.');
}

/** Refuses to delete a connection a flow still uses (catalog 1447). */
export function refuseIfUsedByFlows(
  ctx: RequestContext,
  field: 'sourceConnectionIds' | 'targetConnectionIds',
  id: string,
): void {
  if (flowsUsing(ctx, field, id).length > 0) {
    throw flowError(400, FLOW_CODES.ACTIVE_FLOWS, `Found active flows containing id ${id}.`);
  }
}

/** Source connection behaviour. */
export const sourceConnectionsDef: KindDef = {
  kind: 'sourceConnections',
  label: 'source connection',
  path: '/sourceConnections',
  location: false,
  immutable: ['/connectionSpec', '/baseConnectionId'],
  create(ctx, body) {
    const name = requireString(body, 'name');
    const spec = specRef(body, 'connectionSpec');
    if (spec.id !== SPEC_IDS.MIXPANEL_SOURCE) invalidSpec(spec.id);
    const baseId = requireString(body, 'baseConnectionId');
    const base = ctx.sim.store.get(ctx.call, 'connections', baseId);
    if (!base) {
      throw flowError(
        400,
        FLOW_CODES.RESOURCE_NOT_FOUND,
        `The requested connections resource ${baseId} is not found. Verify the resource ID before trying again.`,
        {
          report: { id: baseId, type: 'connections' },
        },
      );
    }
    const baseSpec = base.doc['connectionSpec'] as { id: string; version: string };
    if (baseSpec.id !== spec.id) invalidSpec(spec.id);
    const fields = {
      name,
      description: typeof body['description'] === 'string' ? body['description'] : '',
      baseConnectionId: baseId,
      state: 'enabled',
      connectionSpec: spec,
      data: isObject(body['data']) ? { ...body['data'] } : body['data'],
      params: isObject(body['params']) ? { ...body['params'] } : body['params'],
      inheritedAttributes: { baseConnection: { id: baseId, connectionSpec: baseSpec } },
    };
    validateSourceFields(fields);
    return fields;
  },
  view: (_sim, r) => r.doc,
  afterCreate: (ctx, r) => enterTransition(ctx.sim, r, 'inProgress', 'enabled', 'connectionCreateMs'),
  beforeUpdate: (_ctx, r) => requireSettledConnection(r),
  afterPatch: (ctx, r) =>
    enterTransition(ctx.sim, r, 'updating', String(r.doc['state']), 'connectionUpdateMs'),
  validatePatch(_ctx, next) {
    requireString(next, 'name');
    validateSourceFields(next);
  },
  beforeDelete: (ctx, r) => {
    requireSettledConnection(r);
    refuseIfUsedByFlows(ctx, 'sourceConnectionIds', r.id);
  },
};

/** Source connection routes. */
export const sourceConnectionRoutes: Route[] = crudRoutes(sourceConnectionsDef);
