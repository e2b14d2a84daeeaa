/** Flow Service items as the engine observes them (ObservedConnection, ObservedFlow, …). */
import type { Flow, MappingSet } from '../flowservice/index.js';
import type {
  MappingRow,
  MappingSetInput,
  ObservedConnection,
  ObservedFlow,
  ObservedMappingSet,
} from '../reconcile/ports.js';
import { ADOBE_VALUES } from './constants.js';

/** The fields of a base, source or target connection the adapter reads. */
export type AnyConnection = {
  id: string;
  etag: string;
  name?: string | undefined;
  state?: string | undefined;
  baseConnectionId?: string | undefined;
  createdAt?: unknown;
  params?: Record<string, unknown> | undefined;
  data?: Record<string, unknown> | undefined;
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A connection as observed. */
export function toConnection(c: AnyConnection): ObservedConnection {
  const out: ObservedConnection = { id: c.id, etag: c.etag, name: c.name ?? '' };
  if (c.state) out.state = c.state;
  if (c.baseConnectionId) out.baseConnectionId = c.baseConnectionId;
  if (typeof c.createdAt === 'number') out.createdAt = c.createdAt;
  const projectId = str(c.params?.['projectId']);
  const timezone = str(c.params?.['timezone']);
  const datasetId = str(c.params?.['dataSetId']);
  const schema = c.data?.['schema'] as { id?: unknown } | undefined;
  const schemaId = str(schema?.id);
  if (projectId !== undefined) out.projectId = projectId;
  if (timezone !== undefined) out.timezone = timezone;
  if (datasetId !== undefined) out.datasetId = datasetId;
  if (schemaId !== undefined) out.schemaId = schemaId;
  return out;
}

// Data Prep stores sourceType as MIME-like values (fact sheet §6).
const SOURCE_TYPES: Record<string, MappingRow['sourceType']> = {
  ATTRIBUTE: 'ATTRIBUTE',
  'text/x.schema-path': 'ATTRIBUTE',
  EXPRESSION: 'EXPRESSION',
  'text/x.aep-xl': 'EXPRESSION',
};

/** A mapping set version as observed. */
export function toMappingSet(m: MappingSet): ObservedMappingSet {
  const schemaRef = (m.outputSchema?.['schemaRef'] ?? m.schemaRef) as { id?: unknown } | undefined;
  const schemaId = str(schemaRef?.id) ?? m.xdmSchema;
  return {
    id: m.id,
    version: m.version,
    ...(schemaId ? { schemaId } : {}),
    mappings: m.mappings.map((row) => ({
      sourceType: SOURCE_TYPES[row.sourceType ?? ''] ?? 'ATTRIBUTE',
      source: row.source ?? '',
      destination: row.destination ?? '',
    })),
  };
}

/** A flow as observed; the Mapping transformation is found where it is, not assumed at index 0. */
export function toFlow(f: Flow): ObservedFlow {
  const mappingIndex = f.transformations.findIndex((x) => x.name === ADOBE_VALUES.mappingTransformation);
  const t = mappingIndex >= 0 ? f.transformations[mappingIndex]?.params : undefined;
  const s = f.scheduleParams;
  return {
    id: f.id,
    etag: f.etag,
    name: f.name ?? '',
    ...(f.description !== undefined ? { description: f.description } : {}),
    state: f.state ?? 'unknown',
    sourceConnectionIds: f.sourceConnectionIds,
    targetConnectionIds: f.targetConnectionIds,
    ...(t?.mappingId ? { mappingId: t.mappingId } : {}),
    ...(t?.mappingVersion !== undefined ? { mappingVersion: t.mappingVersion } : {}),
    ...(mappingIndex >= 0 ? { mappingIndex } : {}),
    schedule: {
      frequency: s?.frequency ?? '',
      ...(s?.interval !== undefined ? { interval: s.interval } : {}),
      ...(s?.startTime !== undefined ? { startTime: s.startTime } : {}),
      ...(s?.backfill !== undefined ? { backfill: s.backfill } : {}),
    },
  };
}

/** POST/PUT body of a mapping set; `name` (DP-OAS MappingSet.name) lets a lost create be found. */
export function mappingBody(input: MappingSetInput) {
  return {
    name: input.name,
    outputSchema: { schemaRef: { id: input.schemaId, contentType: ADOBE_VALUES.xdmContentType } },
    mappings: input.mappings.map((m) => ({
      sourceType: m.sourceType,
      source: m.source,
      destination: m.destination,
    })),
  };
}
