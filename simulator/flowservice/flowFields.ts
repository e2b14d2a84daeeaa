/** Flow body fields: schedule (the flow spec's scheduleSpec), transformations (mapping set, version
 * and schema checks), the linked connections, and what the run engine needs of a flow. */
import type { RequestContext } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import { isObject } from '../http.js';
import type { Resource } from '../store.js';
import { requireString, specValidation } from './common.js';
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
export function normaliseSchedule(raw: unknown, storeDefaults = false): Record<string, string> {
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
  } else if (storeDefaults) {
    // The flow spec's scheduleSpec defaults backfill to true and Adobe's GET example shows it.
    out['backfill'] = 'true';
  }
  return out;
}

export function connectionsOf(
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
export function normaliseTransformations(ctx: RequestContext, raw: unknown, targets: Resource[]): unknown[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) specValidation("Field 'transformations' must be an array.");
  // The flow spec has one Mapping transformation spec; a second Mapping (e.g. a patch that
  // overwrote the Copy entry) is refused rather than guessed at.
  if (raw.filter((t) => isObject(t) && t['name'] === 'Mapping').length > 1)
    specValidation('A flow takes at most one Mapping transformation.');
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
