/**
 * zod schemas of the responses the client reads, written from Adobe's OpenAPI files and guides.
 * Every object is loose (unknown fields kept) and documented type drift is normalised here, once.
 */
import { z } from 'zod';

/** A number that Adobe may send as a numeric string (scheduleParams, mappingVersion). */
export const Numberish = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

/** A boolean that Adobe may send as "true"/"false" (scheduleParams.backfill). */
export const Booleanish = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** `{id, version}` reference to a connection/flow spec. */
export const SpecRefSchema = z.looseObject({ id: z.string(), version: z.string().optional() });

// `version` and `etag` hold the same quoted value (FS-OAS); accept either when one is missing.
const withEtag = <T extends z.ZodRawShape>(shape: T) =>
  z.preprocess(
    (v) =>
      isRecord(v) && v.etag === undefined && typeof v.version === 'string' ? { ...v, etag: v.version } : v,
    z.looseObject({ ...shape, etag: z.string() }),
  );

/** 201 of a create and 200 of PATCH/action: `{id, etag}`; etag kept exactly as sent (quoted). */
export const IdEtagSchema = z.looseObject({ id: z.string(), etag: z.string() });

/**
 * PATCH answers `{id, etag}` in the guides, but FS-OAS declares the full list response for source and
 * target connections; both normalise to `{id, etag}`.
 */
export const PatchResultSchema = z.union([
  IdEtagSchema,
  z
    .looseObject({ items: z.array(IdEtagSchema).min(1) })
    .transform((v) => v.items[0] as z.output<typeof IdEtagSchema>),
]);

/** `_links.next.href` of a list page; `_links` may be `{}` on the last page. */
export const PageLinksSchema = z.looseObject({
  next: z.looseObject({ href: z.string() }).optional(),
});

/** A list page of T. */
export const listPageSchema = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    items: z.array(item).default([]),
    _links: PageLinksSchema.optional(),
    count: Numberish.optional(),
  });

/** `count=true` answers `{count}` only. */
export const CountSchema = z.looseObject({ count: Numberish });

/** Base connection (ConnectionItemDTO). Secret auth params may be masked or absent. */
export const ConnectionSchema = withEtag({
  id: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
  state: z.string().optional(),
  connectionSpec: SpecRefSchema,
  auth: z
    .looseObject({ specName: z.string().optional(), params: z.record(z.string(), z.unknown()).optional() })
    .optional(),
  createdAt: Numberish.optional(),
  updatedAt: Numberish.optional(),
  sandboxName: z.string().optional(),
});

// Fields source and target connections share (SourceConnectionItemDTO / TargetConnectionItemDTO).
const connectionLinkShape = {
  id: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
  state: z.string().optional(),
  baseConnectionId: z.string().optional(),
  connectionSpec: SpecRefSchema,
  params: z.record(z.string(), z.unknown()).optional(),
};

/** Source connection (SourceConnectionItemDTO). */
export const SourceConnectionSchema = withEtag({
  ...connectionLinkShape,
  data: z.looseObject({ format: z.string().optional() }).optional(),
});

/** Target connection (TargetConnectionItemDTO). */
export const TargetConnectionSchema = withEtag({
  ...connectionLinkShape,
  data: z
    .looseObject({
      format: z.string().optional(),
      schema: z.looseObject({ id: z.string().optional(), version: z.string().optional() }).optional(),
    })
    .optional(),
});

/** Flow schedule; GET returns every value as a string (EN update-dataflows), normalised here. */
export const ScheduleParamsSchema = z.looseObject({
  startTime: Numberish.optional(),
  frequency: z.string().optional(),
  interval: Numberish.optional(),
  backfill: Booleanish.optional(),
});

/** A flow transformation; mappingVersion arrives as "0" or 2, normalised to a number. */
export const TransformationSchema = z.looseObject({
  name: z.string(),
  params: z
    .looseObject({ mappingId: z.string().optional(), mappingVersion: Numberish.optional() })
    .default({}),
});

/** `lastRunDetails` of a flow. */
export const LastRunDetailsSchema = z.looseObject({
  id: z.string().optional(),
  state: z.string().optional(),
  startedAtUTC: Numberish.optional(),
  completedAtUTC: Numberish.optional(),
});

/** Flow (FlowItemDTO). */
export const FlowSchema = withEtag({
  id: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
  state: z.string().optional(),
  flowSpec: SpecRefSchema,
  sourceConnectionIds: z.array(z.string()).default([]),
  targetConnectionIds: z.array(z.string()).default([]),
  transformations: z.array(TransformationSchema).default([]),
  scheduleParams: ScheduleParamsSchema.optional(),
  lastRunDetails: LastRunDetailsSchema.optional(),
  inheritedAttributes: z.looseObject({}).optional(),
  createdAt: Numberish.optional(),
  updatedAt: Numberish.optional(),
});

/** One run error `{code, message}`. */
export const RunErrorSchema = z.looseObject({ code: z.string().optional(), message: z.string().optional() });

/** Run metrics (FlowRunMetricsDTO); counters may arrive as strings. */
export const RunMetricsSchema = z.looseObject({
  durationSummary: z
    .looseObject({ startedAtUTC: Numberish.optional(), completedAtUTC: Numberish.optional() })
    .optional(),
  sizeSummary: z
    .looseObject({ inputBytes: Numberish.optional(), outputBytes: Numberish.optional() })
    .optional(),
  recordSummary: z
    .looseObject({
      inputRecordCount: Numberish.optional(),
      outputRecordCount: Numberish.optional(),
      failedRecordCount: Numberish.optional(),
    })
    .optional(),
  fileSummary: z.looseObject({}).optional(),
  statusSummary: z
    .looseObject({ status: z.string().optional(), errors: z.array(RunErrorSchema).optional() })
    .optional(),
});

/**
 * A flow run (FlowRunItemDTO); FS-OAS spells the etag `eTag`, the guides `etag`. A run may carry
 * its status in `metrics.statusSummary.status`, in a top-level `state` (the monitoring guide filters
 * `state==inProgress`), or both; a just-scheduled run has `statusSummary` and no `durationSummary`.
 */
export const RunSchema = z.looseObject({
  id: z.string(),
  flowId: z.string().optional(),
  createdAt: Numberish.optional(),
  updatedAt: Numberish.optional(),
  etag: z.string().optional(),
  eTag: z.string().optional(),
  state: z.string().optional(),
  params: z.looseObject({}).optional(),
  metrics: RunMetricsSchema.optional(),
  activities: z.array(z.looseObject({})).optional(),
});

/**
 * The answer of a run action (`op=re-trigger`): `{id, etag}` of the new run in the retry guide,
 * the full FlowRunItemDTO in FS-OAS; both normalise to `{id, etag?}`.
 */
export const RunActionResultSchema = z
  .looseObject({ id: z.string(), etag: z.string().optional(), eTag: z.string().optional() })
  .transform((v) => ({ id: v.id, ...((v.etag ?? v.eTag) ? { etag: (v.etag ?? v.eTag)! } : {}) }));

/** POST /runs answers the run itself (EN create-flow-runs.md), or `{items:[run]}` like a GET. */
export const singleRun = z.union([
  z.looseObject({ items: z.array(RunSchema).min(1) }).transform((v) => v.items[0]!),
  RunSchema,
]);

/** Connection spec (ConnectionSpecItemDTO); only the identity is read. */
export const ConnectionSpecSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  version: z.string().optional(),
});

/** Flow spec (FlowSpecItemDTO); only the identity is read. */
export const FlowSpecSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  version: z.string().optional(),
});

/** Explore: an array of objects for file/table sources, an object `{format, schema, data}` for REST ones. */
export const ExploreResultSchema = z.union([z.array(z.looseObject({})), z.looseObject({})]);

/** One mapping of a mapping set as Data Prep returns it (sourceType normalised to MIME-like values). */
export const MappingSchema = z.looseObject({
  sourceType: z.string().optional(),
  source: z.string().optional(),
  destination: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
});

/** Mapping set (DP-OAS MappingSet); version is an integer that PUT increments. */
export const MappingSetSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  version: Numberish.default(0),
  mappings: z.array(MappingSchema).default([]),
  createdDate: z.union([z.number(), z.string()]).optional(),
  modifiedDate: z.union([z.number(), z.string()]).optional(),
  status: z.string().optional(),
  xdmSchema: z.string().optional(),
  outputSchema: z.looseObject({}).optional(),
  schemaRef: z.looseObject({}).optional(),
});

/** Catalog dataset, one value of the `{<id>: {...}}` GET response. */
export const DatasetSchema = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  schemaRef: z.looseObject({ id: z.string(), contentType: z.string().optional() }).optional(),
  created: Numberish.optional(),
  updated: Numberish.optional(),
});

/** Catalog `GET /dataSets/{id}`: an object keyed by dataset id. */
export const DatasetLookupSchema = z.record(z.string(), DatasetSchema);

/** Schema Registry schema lookup; only the identity is read. */
export const XdmSchemaSchema = z.looseObject({
  $id: z.string(),
  title: z.string().optional(),
  version: z.string().optional(),
  'meta:altId': z.string().optional(),
  'meta:class': z.string().optional(),
});

/** Parsed response types. */
export type IdEtag = z.output<typeof IdEtagSchema>;
/** A base connection as read. */
export type Connection = z.output<typeof ConnectionSchema>;
/** A source connection as read. */
export type SourceConnection = z.output<typeof SourceConnectionSchema>;
/** A target connection as read. */
export type TargetConnection = z.output<typeof TargetConnectionSchema>;
/** A flow as read (scheduleParams and mappingVersion normalised to numbers/booleans). */
export type Flow = z.output<typeof FlowSchema>;
/** A flow run as read. */
export type Run = z.output<typeof RunSchema>;
/** The new run a re-trigger answered. */
export type RunActionResult = z.output<typeof RunActionResultSchema>;
/** A connection spec as read. */
export type ConnectionSpec = z.output<typeof ConnectionSpecSchema>;
/** A flow spec as read. */
export type FlowSpec = z.output<typeof FlowSpecSchema>;
/** Explore output (shape depends on the source). */
export type ExploreResult = z.output<typeof ExploreResultSchema>;
/** A mapping set as read. */
export type MappingSet = z.output<typeof MappingSetSchema>;
/** A dataset as read, with its id. */
export type Dataset = z.output<typeof DatasetSchema> & { id: string };
/** An XDM schema as read. */
export type XdmSchema = z.output<typeof XdmSchemaSchema>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
