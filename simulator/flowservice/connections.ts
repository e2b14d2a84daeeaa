/** Base connections (`/connections`): Mixpanel Basic Authentication; secrets are stored but masked on GET. */
import type { Route, Sim } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import { isObject } from '../http.js';
import type { Resource } from '../store.js';
import type { KindDef } from './common.js';
import {
  crudRoutes,
  enterTransition,
  FLOW_BASE,
  requireSettledConnection,
  requireString,
  specRef,
  specValidation,
} from './common.js';
import { explore, testConnection } from './explore.js';
import { CONNECTION_SPECS, MIXPANEL_AUTH, SPEC_IDS } from './specs.js';

/** What a masked secret reads as on GET (Adobe's exact masking is not documented). */
export const SECRET_MASK = '********';

function validateAuth(specId: string, auth: unknown): Record<string, unknown> | undefined {
  if (specId !== SPEC_IDS.MIXPANEL_SOURCE) return isObject(auth) ? auth : undefined;
  if (!isObject(auth)) specValidation("Missing required field 'auth'.");
  const specName = requireString(auth, 'specName', 'auth.');
  if (specName.toLowerCase() !== MIXPANEL_AUTH.specName.toLowerCase()) {
    throw flowError(
      400,
      FLOW_CODES.AUTH_SPEC_NOT_FOUND,
      `The auth spec '${specName}' could not be found for the connection spec ID ${specId}.`,
    );
  }
  const params = isObject(auth['params'])
    ? auth['params']
    : specValidation("Missing required field 'auth.params'.");
  for (const p of MIXPANEL_AUTH.required) requireString(params, p, 'auth.params.');
  return { specName: MIXPANEL_AUTH.specName, params: { ...params } };
}

/** A copy of a base connection document with secret auth params masked. */
export function maskSecrets(source: Record<string, unknown>): Record<string, unknown> {
  const doc = { ...source };
  const auth = doc['auth'];
  if (isObject(auth) && isObject(auth['params'])) {
    const params: Record<string, unknown> = { ...auth['params'] };
    for (const k of MIXPANEL_AUTH.secret) if (k in params) params[k] = SECRET_MASK;
    doc['auth'] = { ...auth, params };
  }
  return doc;
}

function view(_sim: Sim, r: Resource): Record<string, unknown> {
  return maskSecrets(r.doc);
}

/** Base connection behaviour. */
export const connectionsDef: KindDef = {
  kind: 'connections',
  label: 'connection',
  path: '/connections',
  location: true,
  immutable: ['/connectionSpec'],
  viewFields: ['auth'],
  create(_ctx, body) {
    const name = requireString(body, 'name');
    const spec = specRef(body, 'connectionSpec');
    if (!CONNECTION_SPECS[spec.id]) {
      throw flowError(
        400,
        FLOW_CODES.INVALID_SPEC,
        'The spec ID provided is  invalid. Please provide a valid spec ID and try again.',
        { details: spec.id },
      );
    }
    const auth = validateAuth(spec.id, body['auth']);
    return {
      name,
      description: typeof body['description'] === 'string' ? body['description'] : '',
      connectionSpec: spec,
      state: 'enabled',
      ...(auth ? { auth } : {}),
    };
  },
  view,
  beforeUpdate(ctx, r) {
    // Adobe's catalog has 1445 "PATCH Connection Feature not enabled": refused per org when told to.
    if (ctx.sim.settings.connectionPatchRefusedOrgs.has(ctx.call.orgId)) {
      throw flowError(400, FLOW_CODES.PATCH_NOT_ENABLED, 'PATCH Connection Feature not enabled.');
    }
    requireSettledConnection(r);
  },
  afterPatch(ctx, r) {
    enterTransition(ctx.sim, r, 'updating', String(r.doc['state']), 'connectionUpdateMs');
  },
  validatePatch(_ctx, next) {
    requireString(next, 'name');
    const spec = next['connectionSpec'] as { id: string };
    const auth = validateAuth(spec.id, next['auth']);
    if (auth) next['auth'] = auth;
  },
  beforeDelete(ctx, r) {
    requireSettledConnection(r);
    const sources = new Set(
      ctx.sim.store
        .list(ctx.call, 'sourceConnections')
        .filter((s) => s.doc['baseConnectionId'] === r.id)
        .map((s) => s.id),
    );
    const used = ctx.sim.store
      .list(ctx.call, 'flows')
      .some((f) => (f.doc['sourceConnectionIds'] as string[]).some((id) => sources.has(id)));
    if (used) {
      throw flowError(
        400,
        FLOW_CODES.BASE_CONNECTION_IN_USE,
        `The base connection with the ID ${r.id} cannot be deleted because the base connection is being used in one or more flows. Please ensure that corresponding flows are deleted before deleting a base connection.`,
      );
    }
  },
};

/** Base connection routes: CRUD, explore, test. */
export const connectionRoutes: Route[] = [
  ...crudRoutes(connectionsDef),
  { method: 'GET', template: `${FLOW_BASE}/connections/{id}/explore`, handler: explore },
  { method: 'GET', template: `${FLOW_BASE}/connections/{id}/test`, handler: testConnection },
];
