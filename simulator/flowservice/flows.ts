/** Flows (`/flows`): create with spec, connection, mapping and schedule checks; PATCH; enable/disable
 * actions; `lastRunDetails` from the run engine. Flows created through the API start `enabled`. */
import type { RequestContext, Route, Sim } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import type { Reply } from '../http.js';
import { isObject } from '../http.js';
import type { Resource } from '../store.js';
import type { KindDef } from './common.js';
import {
  checkIfMatch,
  COMMON_SORTABLE,
  crudRoutes,
  FLOW_BASE,
  lookup,
  requireString,
  specRef,
  specValidation,
  touch,
} from './common.js';
import { FLOW_SPECS } from './specs.js';
import type { FlowScheduleInput } from '../runs.js';
import { mappingVersions } from '../dataprep.js';
import { findDataset } from '../catalog.js';

/** Frequencies of the flow spec's scheduleSpec. */
export const FREQUENCIES = ['once', 'minute', 'hour', 'day', 'week'] as const;

function toInt(v: unknown, field: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n))
    specValidation(`scheduleParams.${field} must be an integer.`);
  return n;
}

/** Validates scheduleParams against the flow spec's scheduleSpec; returns them as the GET example shows (strings). */
export function normaliseSchedule(raw: unknown): Record<string, string> {
  if (!isObject(raw)) specValidation("Missing required field 'scheduleParams'.");
  const frequency = raw['frequency'];
  if (typeof frequency !== 'string' || !(FREQUENCIES as readonly string[]).includes(frequency)) {
    specValidation(`scheduleParams.frequency must be one of ${FREQUENCIES.join(', ')}.`);
  }
  if (raw['startTime'] === undefined) specValidation("Missing required field 'scheduleParams.startTime'.");
  const out: Record<string, string> = { startTime: String(toInt(raw['startTime'], 'startTime')), frequency };
  if (frequency === 'once') {
    if (raw['interval'] !== undefined || raw['backfill'] !== undefined) {
      specValidation('scheduleParams.interval and backfill are not allowed when frequency is once.');
    }
    return out;
  }
  if (raw['interval'] === undefined) specValidation("Missing required field 'scheduleParams.interval'.");
  const interval = toInt(raw['interval'], 'interval');
  const min = frequency === 'minute' ? 15 : 1;
  if (interval < min)
    specValidation(`scheduleParams.interval must be at least ${min} when frequency is ${frequency}.`);
  out['interval'] = String(interval);
  const backfill = raw['backfill'];
  if (backfill !== undefined) {
    if (backfill !== true && backfill !== false && backfill !== 'true' && backfill !== 'false') {
      specValidation('scheduleParams.backfill must be a boolean.');
    }
    out['backfill'] = String(backfill);
  }
  return out;
}

function connectionsOf(
  ctx: RequestContext,
  body: Record<string, unknown>,
  field: string,
  kind: 'sourceConnections' | 'targetConnections',
  allowed: string[],
): Resource[] {
  const ids = body[field];
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) {
    specValidation(`Field '${field}' must be a non-empty array of ids.`);
  }
  return (ids as string[]).map((id) => {
    const r = ctx.sim.store.get(ctx.call, kind, id);
    if (!r) {
      throw flowError(
        400,
        FLOW_CODES.RESOURCE_NOT_FOUND,
        `The requested ${kind} resource ${id} is not found. Verify the resource ID before trying again.`,
        {
          report: { id, type: kind },
        },
      );
    }
    const specId = (r.doc['connectionSpec'] as { id: string }).id;
    if (!allowed.includes(specId)) {
      throw flowError(
        400,
        FLOW_CODES.INVALID_SPEC,
        'The spec ID provided is  invalid. Please provide a valid spec ID and try again.',
        {
          details: `${kind} ${id} uses connection spec ${specId}, which the flow spec does not accept`,
        },
      );
    }
    return r;
  });
}

/** Checks Mapping transformations: mapping exists (1419), version exists (1412), schema matches the dataset (1425). */
function normaliseTransformations(ctx: RequestContext, raw: unknown, targets: Resource[]): unknown[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) specValidation("Field 'transformations' must be an array.");
  return raw.map((t) => {
    if (!isObject(t) || typeof t['name'] !== 'string' || !isObject(t['params'])) {
      specValidation('Each transformation needs name and params.');
    }
    if (t['name'] !== 'Mapping') return t;
    const params = t['params'];
    const mappingId = requireString(params, 'mappingId', 'transformations.params.');
    const mapping = ctx.sim.store.get(ctx.call, 'mappingSets', mappingId);
    const versionRaw = params['mappingVersion'];
    if (!mapping) {
      throw flowError(
        400,
        FLOW_CODES.MAPPING_INVALID,
        `Error while validating mapping with id ${mappingId}, version ${String(versionRaw)}. This could be because of inadequate permissions on mapped fields. Please check your mapping or contact your admin.`,
      );
    }
    const version =
      typeof versionRaw === 'string' && versionRaw.trim() !== '' ? Number(versionRaw) : versionRaw;
    const stored =
      typeof version === 'number' && Number.isInteger(version)
        ? mappingVersions(mapping)[version]
        : undefined;
    if (!stored) {
      throw flowError(
        400,
        FLOW_CODES.INVALID_MAPPING_VERSION,
        'Invalid Mapping Version in request. Please provide correct mapping version.',
      );
    }
    const mappingSchema = (stored['outputSchema'] as { schemaRef: { id: string } }).schemaRef.id;
    for (const target of targets) {
      const dataSetId = (target.doc['params'] as { dataSetId: string }).dataSetId;
      const datasetSchema = (
        findDataset(ctx.sim, ctx.call, dataSetId)?.doc['schemaRef'] as { id?: string } | undefined
      )?.id;
      if (datasetSchema !== undefined && datasetSchema !== mappingSchema) {
        throw flowError(
          400,
          FLOW_CODES.SCHEMA_MISMATCH,
          `Error while matching schema in target dataset ${dataSetId} with schema in mapping ${mappingId}. Schema with same id and version must be used in both mapping and target dataset.`,
        );
      }
    }
    return { name: 'Mapping', params: { ...params, mappingId, mappingVersion: String(version) } };
  });
}

/** What the run engine needs to know about a flow. */
export function scheduleInput(r: Resource): FlowScheduleInput {
  const sp = r.doc['scheduleParams'] as Record<string, string>;
  return {
    flowId: r.id,
    scope: r.scope,
    flowSpec: r.doc['flowSpec'],
    sourceConnectionId: (r.doc['sourceConnectionIds'] as string[])[0]!,
    targetConnectionId: (r.doc['targetConnectionIds'] as string[])[0]!,
    startTimeSeconds: Number(sp['startTime']),
    frequency: sp['frequency']!,
    interval: Number(sp['interval'] ?? 1),
  };
}

function scheduleRuns(sim: Sim, r: Resource): void {
  const sp = r.doc['scheduleParams'] as Record<string, string>;
  const key = `${String(r.doc['state'])}|${JSON.stringify(sp)}`;
  if (r.internal['scheduleKey'] === key) return;
  r.internal['scheduleKey'] = key;
  if (r.doc['state'] !== 'enabled') {
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

/** Flow behaviour. */
export const flowsDef: KindDef = {
  kind: 'flows',
  label: 'flow',
  path: '/flows',
  location: true,
  sortable: [...COMMON_SORTABLE, 'lastRunDetails.startedAtUTC', 'lastRunDetails.completedAtUTC'],
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
    const transformations = normaliseTransformations(ctx, body['transformations'], targets);
    const scheduleParams = normaliseSchedule(body['scheduleParams']);
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
  afterDelete: (sim, r) => sim.runs.forget(r.id),
};

/** Allowed action transitions: op → states it applies to → resulting state. */
export const FLOW_ACTIONS: Record<string, { from: string[]; to: string }> = {
  enable: { from: ['disabled'], to: 'enabled' },
  disable: { from: ['enabled'], to: 'disabled' },
  publish: { from: ['draft'], to: 'enabled' },
};

function action(ctx: RequestContext): Reply {
  const r = lookup(ctx, flowsDef, ctx.params['id']!);
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
  const state = String(r.doc['state']);
  if (!rule.from.includes(state)) {
    throw flowError(
      400,
      FLOW_CODES.INVALID_ACTION,
      `The action ${op} cannot be applied on the current state ${state}. Please update the action and try again.`,
    );
  }
  r.doc['state'] = rule.to;
  const reply = touch(ctx, r, op);
  scheduleRuns(ctx.sim, r);
  return { status: 200, body: reply };
}

/** Flow routes: CRUD + actions. */
export const flowRoutes: Route[] = [
  ...crudRoutes(flowsDef),
  { method: 'POST', template: `${FLOW_BASE}/flows/{id}/action`, handler: action },
];
