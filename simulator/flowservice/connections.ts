/** Base connections (`/connections`): Mixpanel Basic Authentication; secrets are stored but masked on GET. */
import type { RequestContext, Route, Sim } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import type { Reply } from '../http.js';
import { isObject } from '../http.js';
import type { Resource } from '../store.js';
import type { KindDef } from './common.js';
import {
  COMMON_SORTABLE,
  crudRoutes,
  requireObject,
  requireString,
  specRef,
  specValidation,
} from './common.js';
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
  sortable: COMMON_SORTABLE,
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
  validatePatch(_ctx, next) {
    requireString(next, 'name');
    const spec = next['connectionSpec'] as { id: string };
    const auth = validateAuth(spec.id, next['auth']);
    if (auth) next['auth'] = auth;
  },
  beforeDelete(ctx, r) {
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

/** Sample Mixpanel export events, shaped like the tutorial's explore preview. */
export const MIXPANEL_SAMPLE_EVENTS = [
  {
    event: 'Items purchased',
    properties: {
      time: 1652825148,
      distinct_id: 'test@test.com',
      $insert_id: '935d87b1-00cd-41b7-be34-b9d98dd08b70',
      $mp_api_endpoint: 'api.mixpanel.com',
      $mp_api_timestamp_ms: 1652850348643,
      item_id: '29066',
      item_name: 'charger',
      item_price: '800.00',
      mp_processing_time_ms: 1652850348702,
    },
  },
  {
    event: 'Items sold',
    properties: {
      time: 1652423938,
      distinct_id: 'test@test.com',
      $insert_id: '935d87b1-00cd-41b7-be34-b9d98dd08b71',
      $mp_api_endpoint: 'api.mixpanel.com',
      $mp_api_timestamp_ms: 1652449138115,
      item_id: '29036',
      item_name: 'chair',
      item_price: '5000.00',
      mp_processing_time_ms: 1652449138173,
    },
  },
  {
    event: 'Sign in',
    properties: {
      time: 1648140614,
      distinct_id: 'test1@test.com',
      $import: true,
      $insert_id: '935d87b1-00cd-41b7-be34-b9d98dd08b75',
      $mp_api_endpoint: 'api.mixpanel.com',
      $mp_api_timestamp_ms: 1648556032401,
      item_id: '29073',
      item_name: 'Watch',
      item_price: '50000.00',
      mp_processing_time_ms: 1648556032462,
    },
  },
];

const INT = { type: 'integer', minimum: -9007199254740992, maximum: 9007199254740991 };

/** The explore preview schema of the tutorial. */
export const MIXPANEL_PREVIEW_SCHEMA = {
  type: 'object',
  properties: {
    event: { type: 'string' },
    properties: {
      type: 'object',
      properties: {
        $mp_api_endpoint: { type: 'string' },
        $insert_id: { type: 'string' },
        item_id: { type: 'string' },
        distinct_id: { type: 'string' },
        $mp_api_timestamp_ms: INT,
        item_price: { type: 'string' },
        $import: { type: 'boolean' },
        item_name: { type: 'string' },
        time: INT,
        mp_processing_time_ms: INT,
      },
    },
  },
};

function badQuery(name: string, value: string | null): never {
  throw flowError(
    400,
    FLOW_CODES.INVALID_QUERY_VALUE,
    `Invalid query value ${name}=${value ?? ''} provided in query param.`,
  );
}

/** Explains a Mixpanel refusal the way Flow Service relays provider errors (1100 "Error from flow provider"). */
export function providerError(problem: 'credentials' | 'project', projectId: string): never {
  const detail =
    problem === 'credentials'
      ? 'Mixpanel rejected the service account credentials (HTTP 401 Unauthorized).'
      : `Mixpanel project '${projectId}' was not found or is not accessible to the service account (HTTP 400).`;
  throw flowError(
    400,
    FLOW_CODES.NOT_ENTITLED_OR_PROVIDER,
    `The request could not be processed. Error from flow provider: ${detail}`,
    {
      details: problem === 'credentials' ? 'INVALID_CREDENTIALS' : 'INVALID_PROJECT',
    },
  );
}

function explore(ctx: RequestContext): Reply {
  const r = ctx.sim.store.get(ctx.call, 'connections', ctx.params['id']!);
  if (!r) {
    throw flowError(
      404,
      FLOW_CODES.RESOURCE_NOT_FOUND,
      `The requested connections resource ${ctx.params['id']} is not found. Verify the resource ID before trying again.`,
    );
  }
  const spec = r.doc['connectionSpec'] as { id: string };
  const objectType = ctx.query.get('objectType');
  if (spec.id !== SPEC_IDS.MIXPANEL_SOURCE || objectType?.toLowerCase() !== 'rest')
    badQuery('objectType', objectType);
  const fileType = ctx.query.get('fileType');
  if (fileType !== null && fileType.toLowerCase() !== 'json') badQuery('fileType', fileType);
  const raw = ctx.query.get('sourceParams');
  let params: unknown;
  try {
    params = raw ? JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) : undefined;
  } catch {
    badQuery('sourceParams', raw);
  }
  if (
    !isObject(params) ||
    typeof params['projectId'] !== 'string' ||
    typeof params['timezone'] !== 'string'
  ) {
    badQuery('sourceParams', raw);
  }
  const auth = requireObject(r.doc, 'auth');
  const username = isObject(auth['params']) ? auth['params']['username'] : undefined;
  const problem = ctx.sim.mixpanel.problem(username, params['projectId']);
  if (problem) providerError(problem, params['projectId']);
  const preview = ctx.query.get('preview') === 'true';
  return {
    status: 200,
    body: {
      format: 'hierarchical',
      schema: MIXPANEL_PREVIEW_SCHEMA,
      data: preview ? MIXPANEL_SAMPLE_EVENTS : [],
    },
  };
}

function testConnection(ctx: RequestContext): Reply {
  const r = ctx.sim.store.get(ctx.call, 'connections', ctx.params['id']!);
  if (!r) {
    throw flowError(
      404,
      FLOW_CODES.RESOURCE_NOT_FOUND,
      `The requested connections resource ${ctx.params['id']} is not found. Verify the resource ID before trying again.`,
    );
  }
  const auth = r.doc['auth'];
  const username = isObject(auth) && isObject(auth['params']) ? auth['params']['username'] : undefined;
  return { status: 200, body: { result: ctx.sim.mixpanel.problem(username, undefined) === undefined } };
}

/** Base connection routes: CRUD, explore, test. */
export const connectionRoutes: Route[] = [
  ...crudRoutes(connectionsDef),
  { method: 'GET', template: '/data/foundation/flowservice/connections/{id}/explore', handler: explore },
  { method: 'GET', template: '/data/foundation/flowservice/connections/{id}/test', handler: testConnection },
];
