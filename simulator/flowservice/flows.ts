/** Flows (`/flows`): create with spec, connection, mapping and schedule checks; PATCH; delete through
 * `delete-finalizing`; `lastRunDetails` from the run engine. Flows created through the API start
 * `enabled`. Actions (enable/disable) are in flowActions.ts. */
import type { RequestContext, Route, Sim } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import { isObject } from '../http.js';
import { transitionMs } from '../settings.js';
import type { Resource } from '../store.js';
import type { KindDef } from './common.js';
import { crudRoutes, isDeleting, requireString, specRef } from './common.js';
import { connectionsOf, normaliseSchedule, normaliseTransformations, scheduleInput } from './flowFields.js';
import { FLOW_SPECS } from './specs.js';

export { FREQUENCIES, normaliseSchedule, scheduleInput } from './flowFields.js';

/** States in which runs start: `disabling` still runs until the disable lands (the stricter reading). */
const RUNNING_STATES = ['enabled', 'disabling'];

/** The `Copy` transformation Adobe's flow GET example shows before `Mapping` (EN update-dataflows.md). */
export const COPY_TRANSFORMATION = {
  name: 'Copy',
  params: { deltaColumn: { name: 'time', dateFormat: 'YYYY-MM-DD', timezone: 'UTC' } },
};

/** (Re)schedules or stops a flow's runs after its state or schedule changed. */
export function scheduleRuns(sim: Sim, r: Resource): void {
  const sp = r.doc['scheduleParams'] as Record<string, string>;
  const running = RUNNING_STATES.includes(String(r.doc['state'])) && !isDeleting(r);
  const key = `${running}|${JSON.stringify(sp)}`;
  if (r.internal['scheduleKey'] === key) return;
  r.internal['scheduleKey'] = key;
  if (!running) {
    sim.runs.unschedule(r.id);
    return;
  }
  sim.runs.schedule(scheduleInput(r), sim.clock.now());
}

function targetsOf(ctx: RequestContext, doc: Record<string, unknown>): Resource[] {
  return (doc['targetConnectionIds'] as string[])
    .map((id) => ctx.sim.store.get(ctx.call, 'targetConnections', id))
    .filter((r): r is Resource => r !== undefined);
}

/** 1457/1458 while the flow finalizes its deletion, 1420/1421 while it changes state. */
function refuseWhileTransitioning(r: Resource, operation: 'update' | 'delete'): void {
  if (isDeleting(r)) {
    throw flowError(
      400,
      operation === 'update' ? FLOW_CODES.UPDATE_WHILE_DELETING : FLOW_CODES.DELETE_WHILE_DELETING,
      `Operation ${operation} cannot be applied in state delete-finalizing.`,
    );
  }
  const state = String(r.doc['state']);
  if (state === 'enabled-finalizing' || state === 'disabling') {
    throw operation === 'update'
      ? flowError(400, FLOW_CODES.STATE_NOT_UPDATABLE, `The current state ${state} cannot be updated.`)
      : flowError(
          400,
          FLOW_CODES.STATE_NOT_TRANSITIONABLE,
          `The current state ${state} cannot be transitioned.`,
        );
  }
}

/** Deleted: hidden at once (a GET answers 404, as documented), in use until it finalizes. */
function removeFlow(ctx: RequestContext, r: Resource): void {
  const sim = ctx.sim;
  const gone = () => {
    sim.store.remove(r);
    sim.runs.forget(r.id);
  };
  const ms = transitionMs(sim.settings, 'flowDeleteMs');
  if (ms <= 0) return gone();
  r.internal['deleting'] = true;
  r.doc['state'] = 'delete-finalizing';
  scheduleRuns(sim, r);
  sim.transitions.start(r.id, sim.clock.now() + ms, gone);
}

/** Flow behaviour. */
export const flowsDef: KindDef = {
  kind: 'flows',
  label: 'flow',
  path: '/flows',
  location: true,
  createParams: ['mode'],
  immutable: ['/flowSpec', '/sourceConnectionIds', '/targetConnectionIds', '/runs', '/lastRunDetails'],
  viewFields: ['lastRunDetails'],
  create(ctx, body, id) {
    if ('state' in body)
      throw flowError(400, FLOW_CODES.STATE_IN_CREATE, '`State` is not allowed in the create flow request.');
    const name = requireString(body, 'name');
    const flowSpecRef = specRef(body, 'flowSpec');
    const spec = FLOW_SPECS[flowSpecRef.id];
    if (!spec) {
      throw flowError(
        400,
        FLOW_CODES.INVALID_SPEC,
        'The spec ID provided is  invalid. Please provide a valid spec ID and try again.',
        { details: flowSpecRef.id },
      );
    }
    const sources = connectionsOf(
      ctx,
      body,
      'sourceConnectionIds',
      'sourceConnections',
      spec['sourceConnectionSpecIds'] as string[],
    );
    const targets = connectionsOf(
      ctx,
      body,
      'targetConnectionIds',
      'targetConnections',
      spec['targetConnectionSpecIds'] as string[],
    );
    let transformations = normaliseTransformations(ctx, body['transformations'], targets);
    const hasCopy = transformations.some((t) => isObject(t) && t['name'] === 'Copy');
    if (ctx.sim.settings.copyTransformation && !hasCopy)
      transformations = [structuredClone(COPY_TRANSFORMATION), ...transformations];
    const scheduleParams = normaliseSchedule(body['scheduleParams'], true);
    const draft = ctx.query.get('mode') === 'draft';
    return {
      name,
      description: typeof body['description'] === 'string' ? body['description'] : '',
      flowSpec: flowSpecRef,
      state: draft ? 'draft' : 'enabled',
      sourceConnectionIds: sources.map((s) => s.id),
      targetConnectionIds: targets.map((t) => t.id),
      inheritedAttributes: {
        sourceConnections: sources.map((s) => ({
          id: s.id,
          connectionSpec: s.doc['connectionSpec'],
          baseConnection: (s.doc['inheritedAttributes'] as { baseConnection: unknown }).baseConnection,
        })),
        targetConnections: targets.map((t) => ({ id: t.id, connectionSpec: t.doc['connectionSpec'] })),
      },
      scheduleParams,
      transformations,
      ...(isObject(body['options']) ? { options: body['options'] } : {}),
      ...(Array.isArray(body['labels']) ? { labels: body['labels'] } : {}),
      runs: `/runs?property=flowId==${id}`,
    };
  },
  view(sim, r) {
    const last = sim.runs.lastRunDetails(r.id, sim.clock.now());
    return last ? { ...r.doc, lastRunDetails: last } : r.doc;
  },
  beforeUpdate: (_ctx, r) => refuseWhileTransitioning(r, 'update'),
  validatePatch(ctx, next, prev) {
    requireString(next, 'name');
    const schedule = normaliseSchedule(next['scheduleParams']);
    const before = prev.doc['scheduleParams'] as Record<string, string>;
    const startedAlready = Number(before['startTime']) * 1000 <= ctx.sim.clock.now();
    if (schedule['startTime'] !== before['startTime'] && startedAlready) {
      throw flowError(
        400,
        FLOW_CODES.START_TIME_PASSED,
        'The startTime of a flow cannot be updated once the originally scheduled start time has passed.',
      );
    }
    next['scheduleParams'] = schedule;
    next['transformations'] = normaliseTransformations(ctx, next['transformations'], targetsOf(ctx, next));
  },
  afterWrite: scheduleRuns,
  beforeDelete: (_ctx, r) => refuseWhileTransitioning(r, 'delete'),
  remove: removeFlow,
};

/** Flow CRUD routes (the action route is added in flowActions.ts). */
export const flowCrudRoutes: Route[] = crudRoutes(flowsDef);
