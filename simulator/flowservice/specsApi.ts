/** Spec lookups: GET /connectionSpecs[/{id}] and /flowSpecs[/{id}] for the specs the chain uses. */
import type { RequestContext, Route } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import { listResponse } from '../query.js';
import { FLOW_BASE } from './common.js';
import { CONNECTION_SPECS, FLOW_SPECS } from './specs.js';

function specList(ctx: RequestContext, basePath: string, specs: Record<string, Record<string, unknown>>) {
  return listResponse(Object.values(specs), ctx.query, {
    basePath,
    sortable: ['id', 'name'],
    defaultLimit: ctx.sim.config.defaultPageSize,
    maxLimit: ctx.sim.config.maxPageSize,
  });
}

/** Spec routes: GET /connectionSpecs/{id}, /flowSpecs/{id} (and the lists). */
export const specRoutes: Route[] = [
  {
    method: 'GET',
    template: `${FLOW_BASE}/connectionSpecs/{id}`,
    handler: (ctx) => {
      const spec = CONNECTION_SPECS[ctx.params['id']!];
      if (!spec) {
        throw flowError(
          404,
          FLOW_CODES.RESOURCE_NOT_FOUND,
          `The requested connectionSpecs resource ${ctx.params['id']} is not found. Verify the resource ID before trying again.`,
        );
      }
      return { status: 200, body: { items: [spec] } };
    },
  },
  {
    method: 'GET',
    template: `${FLOW_BASE}/connectionSpecs`,
    handler: (ctx) => ({ status: 200, body: specList(ctx, '/connectionSpecs', CONNECTION_SPECS) }),
  },
  {
    method: 'GET',
    template: `${FLOW_BASE}/flowSpecs/{id}`,
    handler: (ctx) => {
      const spec = FLOW_SPECS[ctx.params['id']!];
      if (!spec) {
        throw flowError(
          404,
          FLOW_CODES.RESOURCE_NOT_FOUND,
          `The requested flowSpecs resource ${ctx.params['id']} is not found. Verify the resource ID before trying again.`,
        );
      }
      return { status: 200, body: { items: [spec] } };
    },
  },
  {
    method: 'GET',
    template: `${FLOW_BASE}/flowSpecs`,
    handler: (ctx) => ({ status: 200, body: specList(ctx, '/flowSpecs', FLOW_SPECS) }),
  },
];
