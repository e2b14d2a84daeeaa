/** Run monitoring: `GET /runs?property=flowId==…` (filters, orderby, paging) and `GET /runs/{id}`. */
import type { RequestContext, Route } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import type { Reply } from '../http.js';
import { isObject } from '../http.js';
import { specValidation } from './common.js';
import { scheduleInput } from './flows.js';
import { parseFilter, listResponse } from '../query.js';
import { FLOW_BASE, notFound } from './common.js';

/** Sort fields accepted on runs. */
export const RUN_SORTABLE = [
  'id',
  'flowId',
  'createdAt',
  'updatedAt',
  'metrics.durationSummary.startedAtUTC',
  'metrics.durationSummary.completedAtUTC',
] as const;

function optionalSeconds(params: Record<string, unknown>, field: string): number | undefined {
  const v = params[field];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n))
    specValidation(`params.${field} must be an integer (epoch seconds).`);
  return n;
}

/** POST /runs: an ad-hoc run (EN create-flow-runs.md), answered 201 {id, etag} as FS-OAS declares. */
async function createRun(ctx: RequestContext): Promise<Reply> {
  const body = await ctx.json();
  if (!isObject(body)) specValidation('The request body must be a JSON object.');
  const flowId = body['flowId'];
  if (typeof flowId !== 'string' || flowId.trim() === '') {
    throw flowError(
      400,
      FLOW_CODES.FLOW_ID_EMPTY,
      'The flow ID cannot be null or empty. Please update the flow ID and try again.',
    );
  }
  const flow = ctx.sim.store.get(ctx.call, 'flows', flowId);
  if (!flow) throw flowError(400, FLOW_CODES.FLOW_NOT_FOUND, `Flow not found with id ${flowId}.`);
  const params = isObject(body['params']) ? body['params'] : {};
  const now = ctx.sim.clock.now();
  const start = optionalSeconds(params, 'startTime');
  const windowStart = optionalSeconds(params, 'windowStartTime');
  const windowEnd = optionalSeconds(params, 'windowEndTime');
  if (windowStart !== undefined && windowEnd !== undefined && windowEnd < windowStart) {
    specValidation('params.windowEndTime must not be before params.windowStartTime.');
  }
  const at = start !== undefined ? start * 1000 : now;
  const run = ctx.sim.runs.adHoc(
    scheduleInput(flow),
    at,
    windowStart !== undefined ? windowStart * 1000 : at,
  );
  return { status: 201, body: run };
}

function runList(ctx: RequestContext, flowId: string | undefined, basePath: string): Reply {
  const items = ctx.sim.runs.items(ctx.call, ctx.sim.clock.now(), flowId);
  const body = listResponse(items, ctx.query, {
    basePath,
    sortable: RUN_SORTABLE,
    defaultLimit: ctx.sim.config.defaultPageSize,
    maxLimit: ctx.sim.config.maxPageSize,
  });
  return { status: 200, body };
}

/** Run routes. */
export const runRoutes: Route[] = [
  { method: 'POST', template: `${FLOW_BASE}/runs`, handler: createRun },
  {
    method: 'GET',
    template: `${FLOW_BASE}/runs`,
    handler: (ctx) => {
      // Fast path: one flow's runs when the query names exactly one flowId.
      const flowFilters = ctx.query
        .getAll('property')
        .map(parseFilter)
        .filter((f) => f.path === 'flowId' && f.op === '==' && f.values.length === 1);
      return runList(ctx, flowFilters.length === 1 ? flowFilters[0]!.values[0] : undefined, '/runs');
    },
  },
  {
    method: 'GET',
    template: `${FLOW_BASE}/flows/{id}/runs`,
    handler: (ctx) => {
      // The EN update-dataflows example links runs as /flows/{id}/runs (FS-OAS: /runs?property=flowId==…).
      const id = ctx.params['id']!;
      if (!ctx.sim.store.get(ctx.call, 'flows', id)) notFound('flows', id);
      return runList(ctx, id, `/flows/${id}/runs`);
    },
  },
  {
    method: 'GET',
    template: `${FLOW_BASE}/runs/{id}`,
    handler: (ctx) => {
      const item = ctx.sim.runs.item(ctx.call, ctx.params['id']!, ctx.sim.clock.now());
      if (!item) notFound('runs', ctx.params['id']!);
      return { status: 200, body: { items: [item] } };
    },
  },
];
