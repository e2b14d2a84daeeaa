/** Runs: `GET /runs?property=flowId==…` (documented filters and sorts, paging), `GET /runs/{id}`,
 * ad-hoc `POST /runs` (the full run, `scheduled`), and `POST /runs/{id}/action?op=re-trigger`. */
import type { RequestContext, Route } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import type { Reply } from '../http.js';
import { isObject } from '../http.js';
import { runItem, runStatusAt } from '../runItem.js';
import { checkParams, parseFilters } from '../query.js';
import { FLOW_BASE, isDeleting, listFilters, listPage, notFound, specValidation } from './common.js';
import { scheduleInput } from './flowFields.js';

function optionalSeconds(params: Record<string, unknown>, field: string): number | undefined {
  const v = params[field];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n))
    specValidation(`params.${field} must be an integer (epoch seconds).`);
  return n;
}

/**
 * POST /runs: an ad-hoc run. Answers the full run with `metrics.statusSummary.status: scheduled`
 * and `activities: []` (EN create-flow-runs.md; FS-OAS declares only `{id, etag}`), 201 as FS-OAS.
 * FS-OAS: "the flow must be scheduled for one-time ingestion" (the refusal code is the simulator's).
 */
async function createRun(ctx: RequestContext): Promise<Reply> {
  checkParams(ctx.query, []);
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
  if (!flow || isDeleting(flow))
    throw flowError(400, FLOW_CODES.FLOW_NOT_FOUND, `Flow not found with id ${flowId}.`);
  if ((flow.doc['scheduleParams'] as { frequency?: string }).frequency !== 'once')
    specValidation(`An ad hoc run needs a flow scheduled for one-time ingestion; flow ${flowId} is not.`);
  const params = isObject(body['params']) ? body['params'] : {};
  const now = ctx.sim.clock.now();
  const windowStart = optionalSeconds(params, 'windowStartTime');
  const windowEnd = optionalSeconds(params, 'windowEndTime');
  if (windowStart !== undefined && windowEnd !== undefined && windowEnd < windowStart) {
    specValidation('params.windowEndTime must not be before params.windowStartTime.');
  }
  const run = ctx.sim.runs.adHoc(
    scheduleInput(flow),
    now,
    {
      start: windowStart !== undefined ? windowStart * 1000 : now,
      ...(windowEnd !== undefined ? { end: windowEnd * 1000 } : {}),
      params,
    },
    `${ctx.call.clientId}@AdobeID`,
  );
  return { status: 201, body: runItem(run, now) };
}

/**
 * POST /runs/{id}/action?op=re-trigger (EN retry guide; FS-OAS spells it RE_TRIGGER): a new run of
 * the same window. Only a finished failed run, or a successful one with no records (the guide's
 * note), is re-triggered. Answers `{id, etag}` of the new run, as the guide's example.
 */
function runAction(ctx: RequestContext): Reply {
  checkParams(ctx.query, ['op']);
  const id = ctx.params['id']!;
  const run = ctx.sim.runs.record(id);
  if (!run || run.scope.orgId !== ctx.call.orgId || run.scope.sandboxName !== ctx.call.sandboxName)
    notFound('runs', id);
  const op = ctx.query.get('op') ?? '';
  if (op !== 're-trigger' && op !== 'RE_TRIGGER') {
    throw flowError(
      400,
      FLOW_CODES.INVALID_QUERY_VALUE,
      `Invalid query value op=${op} provided in query param.`,
    );
  }
  const now = ctx.sim.clock.now();
  const status = runStatusAt(run, now);
  const empty = status === 'success' && run.outcome.outputRecordCount === 0;
  if (status !== 'failed' && !empty) {
    throw flowError(
      400,
      FLOW_CODES.INVALID_ACTION,
      `The action re-trigger cannot be applied on the current state ${status}. Please update the action and try again.`,
    );
  }
  const next = ctx.sim.runs.retrigger(run, now, `${ctx.call.clientId}@AdobeID`);
  return { status: 200, body: { id: next.id, etag: next.etag } };
}

function runList(ctx: RequestContext, flowId: string | undefined, basePath: string): Reply {
  const filters = listFilters(ctx, 'runs');
  const items = ctx.sim.runs.items(ctx.call, ctx.sim.clock.now(), flowId);
  return { status: 200, body: listPage(ctx, items, basePath, filters) };
}

/** Run routes. */
export const runRoutes: Route[] = [
  { method: 'POST', template: `${FLOW_BASE}/runs`, handler: createRun },
  {
    method: 'GET',
    template: `${FLOW_BASE}/runs`,
    handler: (ctx) => {
      // Fast path: one flow's runs when the query names exactly one flowId.
      const flowFilters = parseFilters(ctx.query).filter(
        (f) => f.path === 'flowId' && f.op === '==' && f.values.length === 1,
      );
      const one = flowFilters.length === 1 && !ctx.sim.settings.ignoreAllFilters;
      return runList(ctx, one ? flowFilters[0]!.values[0] : undefined, '/runs');
    },
  },
  {
    method: 'GET',
    template: `${FLOW_BASE}/flows/{id}/runs`,
    handler: (ctx) => {
      // The EN update-dataflows example links runs as /flows/{id}/runs (FS-OAS: /runs?property=flowId==…).
      const id = ctx.params['id']!;
      const flow = ctx.sim.store.get(ctx.call, 'flows', id);
      if (!flow || isDeleting(flow)) notFound('flows', id);
      return runList(ctx, id, `/flows/${id}/runs`);
    },
  },
  {
    method: 'GET',
    template: `${FLOW_BASE}/runs/{id}`,
    handler: (ctx) => {
      checkParams(ctx.query, []);
      const item = ctx.sim.runs.item(ctx.call, ctx.params['id']!, ctx.sim.clock.now());
      if (!item) notFound('runs', ctx.params['id']!);
      return { status: 200, body: { items: [item] } };
    },
  },
  { method: 'POST', template: `${FLOW_BASE}/runs/{id}/action`, handler: runAction },
];
