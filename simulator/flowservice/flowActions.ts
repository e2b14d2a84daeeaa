/** `POST /flows/{id}/action?op=…`: enable and disable pass through `enabled-finalizing` and
 * `disabling` (runs start only once enabled, and still start while disabling); publish a draft. */
import type { RequestContext, Route } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import type { Reply } from '../http.js';
import { checkParams } from '../query.js';
import { transitionMs, type TransitionTimes } from '../settings.js';
import { checkIfMatch, FLOW_BASE, isDeleting, lookup, touch } from './common.js';
import { flowCrudRoutes, flowsDef, scheduleRuns } from './flows.js';

/** One action: the states it applies to, its transitional state, and where it lands. */
interface FlowAction {
  from: string[];
  via?: { state: string; time: keyof TransitionTimes };
  to: string;
}

/** Allowed action transitions (op names are case-insensitive: guides lowercase, FS-OAS uppercase). */
export const FLOW_ACTIONS: Record<string, FlowAction> = {
  enable: { from: ['disabled'], via: { state: 'enabled-finalizing', time: 'flowEnableMs' }, to: 'enabled' },
  disable: { from: ['enabled'], via: { state: 'disabling', time: 'flowDisableMs' }, to: 'disabled' },
  publish: { from: ['draft'], to: 'enabled' },
};

function action(ctx: RequestContext): Reply {
  checkParams(ctx.query, ['op', 'subOp']);
  const r = lookup(ctx, flowsDef, ctx.params['id']!, true);
  // FS-OAS lists If-Match as optional on actions; when sent it must match.
  checkIfMatch(ctx, r, true);
  const opRaw = ctx.query.get('op') ?? '';
  const op = opRaw.toLowerCase();
  const rule = FLOW_ACTIONS[op];
  if (!rule) {
    throw flowError(
      400,
      FLOW_CODES.INVALID_QUERY_VALUE,
      `Invalid query value op=${opRaw} provided in query param.`,
    );
  }
  const subOp = ctx.query.get('subOp');
  if (subOp && subOp.toLowerCase() === 'progress') {
    throw flowError(
      400,
      FLOW_CODES.UNSUPPORTED_SUB_OP,
      `Unsupported sub operation PROGRESS received for operation ${op}.`,
    );
  }
  const state = isDeleting(r) ? 'delete-finalizing' : String(r.doc['state']);
  if (!rule.from.includes(state)) {
    throw flowError(
      400,
      FLOW_CODES.INVALID_ACTION,
      `The action ${op} cannot be applied on the current state ${state}. Please update the action and try again.`,
    );
  }
  const sim = ctx.sim;
  const ms = rule.via ? transitionMs(sim.settings, rule.via.time) : 0;
  r.doc['state'] = rule.via && ms > 0 ? rule.via.state : rule.to;
  const reply = touch(ctx, r, op);
  scheduleRuns(sim, r);
  if (rule.via && ms > 0) {
    sim.transitions.start(r.id, sim.clock.now() + ms, () => {
      if (sim.store.get(r.scope, r.kind, r.id) !== r || isDeleting(r)) return;
      r.doc['state'] = rule.to;
      scheduleRuns(sim, r);
    });
  }
  return { status: 200, body: reply };
}

/** Flow routes: CRUD + actions. */
export const flowRoutes: Route[] = [
  ...flowCrudRoutes,
  { method: 'POST', template: `${FLOW_BASE}/flows/{id}/action`, handler: action },
];
