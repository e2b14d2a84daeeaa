/** Run monitoring: `GET /runs?property=flowId==…` (filters, orderby, paging) and `GET /runs/{id}`. */
import type { Route } from '../context.js';
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

/** Run routes. */
export const runRoutes: Route[] = [
  {
    method: 'GET',
    template: `${FLOW_BASE}/runs`,
    handler: (ctx) => {
      // Fast path: one flow's runs when the query names exactly one flowId.
      const flowFilters = ctx.query
        .getAll('property')
        .map(parseFilter)
        .filter((f) => f.path === 'flowId' && f.op === '==' && f.values.length === 1);
      const flowId = flowFilters.length === 1 ? flowFilters[0]!.values[0] : undefined;
      const items = ctx.sim.runs.items(ctx.call, ctx.sim.clock.now(), flowId);
      const body = listResponse(items, ctx.query, {
        basePath: '/runs',
        sortable: RUN_SORTABLE,
        defaultLimit: ctx.sim.config.defaultPageSize,
        maxLimit: ctx.sim.config.maxPageSize,
      });
      return { status: 200, body };
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
