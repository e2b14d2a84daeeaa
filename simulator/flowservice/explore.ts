/** Explore (`GET /connections/{id}/explore`, the Mixpanel tutorial's REST preview) and test
 * (`GET /connections/{id}/test`) of a base connection, with Mixpanel refusals relayed as Adobe does. */
import type { RequestContext } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import type { Reply } from '../http.js';
import { isObject } from '../http.js';
import { checkParams } from '../query.js';
import { notFound, requireObject } from './common.js';
import { SPEC_IDS } from './specs.js';

/** Explore query parameters: FS-OAS (objectType, object, FileType, CompressionType) and the
 * Mixpanel tutorial (preview, sourceParams; it spells `fileType`). */
const EXPLORE_PARAMS = [
  'objectType',
  'object',
  'fileType',
  'FileType',
  'CompressionType',
  'preview',
  'sourceParams',
];

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

/**
 * A Mixpanel refusal as Flow Service relays provider errors: 1100-400 "Error from flow provider: …",
 * worded as Adobe's docs quote it for REST sources ("Rest call failed with client error, status
 * code 401 Unauthorized, please check your activity settings.", EN oracle-netsuite-activities.md;
 * "Unknown error while processing request.", EN pinterest). Which status Mixpanel answers for a
 * project the account cannot read is not documented: the simulator says 400 BadRequest.
 */
export function providerError(problem: 'credentials' | 'project' | 'unavailable'): never {
  const provider =
    problem === 'unavailable'
      ? 'Unknown error while processing request.'
      : `The request could not be processed. Rest call failed with client error, status code ${
          problem === 'credentials' ? '401 Unauthorized' : '400 BadRequest'
        }, please check your activity settings.`;
  throw flowError(
    400,
    FLOW_CODES.NOT_ENTITLED_OR_PROVIDER,
    `The request could not be processed. Error from flow provider: ${provider}`,
  );
}

export function explore(ctx: RequestContext): Reply {
  const r = ctx.sim.store.get(ctx.call, 'connections', ctx.params['id']!);
  if (!r) notFound('connections', ctx.params['id']!);
  checkParams(ctx.query, EXPLORE_PARAMS);
  const spec = r.doc['connectionSpec'] as { id: string };
  const objectType = ctx.query.get('objectType');
  if (spec.id !== SPEC_IDS.MIXPANEL_SOURCE || objectType?.toLowerCase() !== 'rest')
    badQuery('objectType', objectType);
  const fileType = ctx.query.get('fileType') ?? ctx.query.get('FileType');
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
  if (problem) providerError(problem);
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

export function testConnection(ctx: RequestContext): Reply {
  checkParams(ctx.query, []);
  const r = ctx.sim.store.get(ctx.call, 'connections', ctx.params['id']!);
  if (!r) notFound('connections', ctx.params['id']!);
  const auth = r.doc['auth'];
  const username = isObject(auth) && isObject(auth['params']) ? auth['params']['username'] : undefined;
  return { status: 200, body: { result: ctx.sim.mixpanel.problem(username, undefined) === undefined } };
}
