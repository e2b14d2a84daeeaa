/** What Adobe documents about list queries, per collection: the `property` filter fields, the
 * `orderby` fields and the query parameters. The simulator holds clients to these (stricter than
 * the guide's "any valid path" sentence: a client must not depend on an undocumented field).
 * Sources: EN help/dataflows/api/sort-and-filter.md @0cc1cd61 ("Filterable properties by resource"
 * tables and the example requests), FS-OAS query parameters, EN flow-service-errors.md. */

/** One documented filter path. `[]` marks an array (required, as the guide says); `*` a wildcard tail. */
export interface FilterField {
  path: string;
  /** Range operators (`>`, `<`, `>=`, `<=`) apply: the value is a number (epoch milliseconds). */
  range?: boolean;
}

const f = (path: string, range = false): FilterField => (range ? { path, range } : { path });

/** `createdAt` and `updatedAt`: the error catalog's 1452 example filters `createdAt`. */
const TIMESTAMPS = [f('createdAt', true), f('updatedAt', true)];

/** Documented filter fields per Flow Service collection (tables first, then example requests). */
export const FILTER_FIELDS: Record<string, readonly FilterField[]> = {
  connections: [f('id'), f('name'), f('description'), f('connectionSpec.id'), f('state'), ...TIMESTAMPS],
  sourceConnections: [
    f('id'),
    f('connectionSpec.id'),
    f('baseConnectionId'),
    // Guide examples: `params.tableName==lead`, `params.columns[].name==firstName`.
    f('params.tableName'),
    f('params.columns[].name'),
    ...TIMESTAMPS,
  ],
  targetConnections: [f('id'), f('connectionSpec.id'), f('baseConnectionId'), ...TIMESTAMPS],
  flows: [
    f('id'),
    f('name'),
    f('description'),
    f('flowSpec.id'),
    f('state'),
    f('sourceConnectionIds[]'),
    f('targetConnectionIds[]'),
    // Guide examples and FS-OAS's `property` description.
    f('transformations[].params.segmentSelectors.selectors[].value.id'),
    f('transformations[].params.mappingId'),
    f('inheritedAttributes.properties.isDestinationFlow'),
    f('inheritedAttributes.targetConnections[].connectionSpec.id'),
    f('lastRunDetails.startedAtUTC', true),
    ...TIMESTAMPS,
  ],
  runs: [
    f('id'),
    f('flowId'),
    f('state'),
    // Guide use cases: a time window and failed runs; and the destinations example.
    f('metrics.durationSummary.startedAtUTC', true),
    f('metrics.statusSummary.status'),
    f('metrics.recordSummary.targetSummaries[].entitySummaries[].id'),
    ...TIMESTAMPS,
  ],
  connectionSpecs: [f('id'), f('name'), f('providerId'), f('attributes.*')],
  flowSpecs: [f('id'), f('name'), f('providerId')],
};

/** Documented `orderby` fields: the guide's examples sort on `name` and `createdAt` only. */
export const SORT_FIELDS: readonly string[] = ['name', 'createdAt'];

/** Query parameters of a Flow Service list (FS-OAS). */
export const LIST_PARAMS = ['property', 'limit', 'orderby', 'continuationToken', 'count'] as const;

/** States the error catalog's 1456 names as the only valid `state` filter values of a flow. */
export const FLOW_FILTER_STATES = ['enabled', 'disabled', 'initializing'] as const;

/** Whether `path` is a documented filter field of `collection`; the field when it is. */
export function documentedField(collection: string, path: string): FilterField | undefined {
  return (FILTER_FIELDS[collection] ?? []).find((x) =>
    x.path.endsWith('.*') ? path.startsWith(x.path.slice(0, -1)) : x.path === path,
  );
}
