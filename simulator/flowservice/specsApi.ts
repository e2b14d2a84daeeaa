/** Spec lookups: GET /connectionSpecs[/{id}] and /flowSpecs[/{id}] for the specs the chain uses. */
import type { RequestContext, Route } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import { checkParams } from '../query.js';
import { FLOW_BASE, listFilters, listPage } from './common.js';
import { CONNECTION_SPECS, FLOW_SPECS } from './specs.js';

function specList(ctx: RequestContext, basePath: string, specs: Record<string, Record<string, unknown>>) {
  const filters = listFilters(ctx, basePath.slice(1));
  return listPage(ctx, Object.values(specs), basePath, filters);
}

/** GET `/<kind>/{id}` and GET `/<kind>` (the list) for one kind of spec. */
function specRoutesFor(kind: 'connectionSpecs' | 'flowSpecs', specs: typeof CONNECTION_SPECS): Route[] {
  return [
    {
      method: 'GET',
      template: `${FLOW_BASE}/${kind}/{id}`,
      handler: (ctx) => {
        checkParams(ctx.query, []);
        const spec = specs[ctx.params['id']!];
        if (!spec) {
          throw flowError(
            404,
            FLOW_CODES.RESOURCE_NOT_FOUND,
            `The requested ${kind} resource ${ctx.params['id']} is not found. Verify the resource ID before trying again.`,
          );
        }
        return { status: 200, body: { items: [spec] } };
      },
    },
    {
      method: 'GET',
      template: `${FLOW_BASE}/${kind}`,
      handler: (ctx) => ({ status: 200, body: specList(ctx, `/${kind}`, specs) }),
    },
  ];
}

/** Spec routes: GET /connectionSpecs/{id}, /flowSpecs/{id} (and the lists). */
export const specRoutes: Route[] = [
  ...specRoutesFor('connectionSpecs', CONNECTION_SPECS),
  ...specRoutesFor('flowSpecs', FLOW_SPECS),
];
