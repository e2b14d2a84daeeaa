/**
 * The request forms Adobe documents, written by us from the documented facts (each entry cites its
 * source; abbreviations as in ../shared/reference/flow-service-api.md), and a checker that holds a
 * recorded request to them. Every request the project's client makes in the test suite is checked
 * (test/support/contract-check.ts): a path, method, query parameter, filter, sort or patch op that
 * is not here fails the suite that made it.
 */
import type { RecordedRequest } from '../../simulator/recorder.js';

/** How one query parameter's value must look. */
type ValueRule = 'int' | 'bool' | 'string' | 'filter' | 'orderby' | readonly string[];

/** One documented request form. */
export interface DocumentedForm {
  method: string;
  /** Path template under the gateway; `{x}` matches one segment. */
  path: string;
  /** Query parameters the form takes. */
  query?: Record<string, ValueRule>;
  /** Query parameters it must have. */
  requiredQuery?: readonly string[];
  /** Collection whose documented filter fields apply to `property`. */
  filters?: keyof typeof FILTERS;
  /** Allowed JSON Patch paths (regular expressions) and their ops. */
  patch?: readonly { path: RegExp; ops: readonly string[] }[];
  /** Headers beyond the gateway's four (If-Match on PATCH, Accept on Schema Registry). */
  headers?: readonly string[];
  source: string;
}

const FS = '/data/foundation/flowservice';
const DP = '/data/foundation/conversion';

/** Gateway headers of every platform call (EN api-authentication.md; FS-OAS info; 2105-400). */
export const GATEWAY_HEADERS = ['authorization', 'x-api-key', 'x-gw-ims-org-id', 'x-sandbox-name'] as const;

/** Filter fields documented per collection (EN sort-and-filter.md tables and example requests). */
export const FILTERS = {
  connections: { eq: ['id', 'name', 'description', 'connectionSpec.id', 'state'], range: [] },
  sourceConnections: { eq: ['id', 'connectionSpec.id', 'baseConnectionId'], range: [] },
  targetConnections: { eq: ['id', 'connectionSpec.id', 'baseConnectionId'], range: [] },
  flows: {
    eq: [
      'id',
      'name',
      'description',
      'flowSpec.id',
      'state',
      'sourceConnectionIds[]',
      'targetConnectionIds[]',
      'transformations[].params.mappingId',
      'inheritedAttributes.targetConnections[].connectionSpec.id',
    ],
    // FS-OAS `property` description: lastRunDetails.startedAtUTC>=…
    range: ['lastRunDetails.startedAtUTC'],
  },
  // The guide's run table, its time-window and failed-runs use cases.
  runs: {
    eq: ['id', 'flowId', 'state', 'metrics.statusSummary.status'],
    range: ['metrics.durationSummary.startedAtUTC'],
  },
} as const;

/** `orderby` fields the guide shows (`name`, `createdAt`), with an optional + or - prefix. */
export const SORT_FIELDS = ['name', 'createdAt'] as const;

const LIST = {
  property: 'filter',
  limit: 'int',
  orderby: 'orderby',
  continuationToken: 'string',
  count: 'bool',
} as const;
const SRC = 'EN sort-and-filter.md @0cc1cd61; FS-OAS list parameters';

function crud(collection: 'connections' | 'sourceConnections' | 'targetConnections' | 'flows') {
  return [
    { method: 'GET', path: `${FS}/${collection}`, query: LIST, filters: collection, source: SRC },
    {
      method: 'POST',
      path: `${FS}/${collection}`,
      ...(collection === 'flows' ? { query: { mode: ['draft'] } } : {}),
      source: 'FS-OAS create; EN draft.md (mode=draft)',
    },
    { method: 'GET', path: `${FS}/${collection}/{id}`, source: 'FS-OAS; EN update-dataflows.md' },
    { method: 'DELETE', path: `${FS}/${collection}/{id}`, source: 'FS-OAS; EN delete-dataflows.md' },
  ] satisfies DocumentedForm[];
}

const NAME_DESCRIPTION = { path: /^\/(name|description)$/, ops: ['replace'] } as const;

/** Every documented form the client may use. */
export const DOCUMENTED_FORMS: readonly DocumentedForm[] = [
  ...crud('connections'),
  ...crud('sourceConnections'),
  ...crud('targetConnections'),
  ...crud('flows'),
  {
    method: 'PATCH',
    path: `${FS}/connections/{id}`,
    headers: ['if-match', 'content-type'],
    patch: [{ path: /^\/auth\/params$/, ops: ['replace'] }, NAME_DESCRIPTION],
    source: 'EN help/sources/tutorials/api/update.md @811aba50 (auth params, name, description)',
  },
  ...(['sourceConnections', 'targetConnections'] as const).map((c) => ({
    method: 'PATCH',
    path: `${FS}/${c}/{id}`,
    headers: ['if-match', 'content-type'],
    patch: [NAME_DESCRIPTION, { path: /^\/params\/filters$/, ops: ['add'] }],
    source: 'FS-OAS PATCH; EN filter.md (add /params/filters)',
  })),
  {
    method: 'PATCH',
    path: `${FS}/flows/{id}`,
    headers: ['if-match', 'content-type'],
    patch: [
      NAME_DESCRIPTION,
      // update-dataflows.md replaces /scheduleParams/frequency; add/remove per RFC 6902 for keys
      // that appear or disappear (to and from `once`, where the flow spec forbids interval/backfill).
      {
        path: /^\/scheduleParams\/(frequency|interval|startTime|backfill)$/,
        ops: ['add', 'replace', 'remove'],
      },
      { path: /^\/transformations\/\d+$/, ops: ['replace'] },
      { path: /^\/labels$/, ops: ['add', 'replace'] },
    ],
    source: 'EN update-dataflows.md @0cc1cd61; labels.md; RFC 6902',
  },
  {
    method: 'POST',
    path: `${FS}/flows/{id}/action`,
    query: { op: ['enable', 'disable', 'ENABLE', 'DISABLE'] },
    requiredQuery: ['op'],
    source: 'EN update-destination-dataflows.md (op=enable|disable); FS-OAS enum',
  },
  {
    method: 'GET',
    path: `${FS}/connections/{id}/explore`,
    query: {
      objectType: 'string',
      object: 'string',
      fileType: ['json'],
      preview: 'bool',
      sourceParams: 'string',
    },
    requiredQuery: ['objectType'],
    source: 'EN mixpanel.md @e345d431 explore request; FS-OAS explore',
  },
  { method: 'GET', path: `${FS}/connections/{id}/test`, source: 'FS-OAS' },
  { method: 'GET', path: `${FS}/connectionSpecs/{id}`, source: 'FS-OAS' },
  { method: 'GET', path: `${FS}/flowSpecs/{id}`, source: 'FS-OAS' },
  { method: 'GET', path: `${FS}/runs`, query: LIST, filters: 'runs', source: 'EN monitor.md; ' + SRC },
  { method: 'GET', path: `${FS}/runs/{id}`, source: 'FS-OAS' },
  { method: 'POST', path: `${FS}/runs`, headers: ['content-type'], source: 'EN create-flow-runs.md; FS-OAS' },
  {
    method: 'POST',
    path: `${FS}/runs/{id}/action`,
    query: { op: ['re-trigger', 'RE_TRIGGER'] },
    requiredQuery: ['op'],
    source: 'EN retry guide (op=re-trigger); FS-OAS enum RE_TRIGGER',
  },
  {
    method: 'GET',
    path: `${DP}/mappingSets`,
    query: { limit: 'int', start: 'int', name: 'string', orderBy: 'string', expandSchema: 'bool' },
    requiredQuery: ['limit', 'start'],
    source: 'DP-OAS listMappingSets (limit and start required)',
  },
  {
    method: 'POST',
    path: `${DP}/mappingSets`,
    headers: ['content-type'],
    source: 'DP-OAS; EN data-prep mapping-set.md',
  },
  {
    method: 'GET',
    path: `${DP}/mappingSets/{id}`,
    query: { version: 'int', expandSchema: 'bool' },
    // DP-OAS defaults version to 0: the client must say which version it means.
    requiredQuery: ['version'],
    source: 'DP-OAS retrieveMappingSet',
  },
  {
    method: 'PUT',
    path: `${DP}/mappingSets/{id}`,
    headers: ['content-type'],
    source: 'EN data-prep mapping-set.md',
  },
  { method: 'GET', path: '/data/foundation/catalog/dataSets/{id}', source: 'CAT-OAS; EN look-up-object.md' },
  {
    method: 'GET',
    path: '/data/foundation/schemaregistry/{container}/schemas/{id}',
    headers: ['accept'],
    source: 'SR-OAS; EN xdm getting-started.md (Accept with version=1)',
  },
];

/** The IMS token request (DEVCON): form body, no gateway headers. */
export const IMS_FORM: DocumentedForm = { method: 'POST', path: '/ims/token/v3', source: 'DEVCON' };

function segments(p: string): string[] {
  return p.split('/').filter(Boolean);
}

/** The documented form a request's method and path match, if any. */
export function formFor(method: string, path: string): DocumentedForm | undefined {
  if (method === IMS_FORM.method && path === IMS_FORM.path) return IMS_FORM;
  const actual = segments(path);
  return DOCUMENTED_FORMS.find((f) => {
    const t = segments(f.path);
    return (
      f.method === method &&
      t.length === actual.length &&
      t.every((seg, i) => (seg.startsWith('{') ? actual[i] !== '' : seg === actual[i]))
    );
  });
}

const FILTER_RE = /^([^=!<>]+?)(==|>=|<=|>|<)(.+)$/;

function checkFilter(value: string, collection: keyof typeof FILTERS): string | undefined {
  const m = FILTER_RE.exec(value);
  if (!m) return `filter ${value}: not path==value or a documented comparison`;
  const [, path, op] = m as unknown as [string, string, string];
  const fields = FILTERS[collection];
  if (op === '==') {
    if ((fields.eq as readonly string[]).includes(path) || (fields.range as readonly string[]).includes(path))
      return undefined;
    const bare = (fields.eq as readonly string[]).find((f) => f.replace(/\[\]/g, '') === path);
    return bare
      ? `filter ${value}: an array property needs [] (${bare})`
      : `filter ${value}: ${path} is not a documented filter field of ${collection}`;
  }
  return (fields.range as readonly string[]).includes(path)
    ? undefined
    : `filter ${value}: ${op} is documented only on ${fields.range.join(', ') || 'no field'} of ${collection}`;
}

function checkValue(name: string, value: string, rule: ValueRule, form: DocumentedForm): string | undefined {
  if (Array.isArray(rule))
    return rule.includes(value) ? undefined : `${name}=${value}: not one of ${rule.join(', ')}`;
  switch (rule) {
    case 'int':
      return /^\d+$/.test(value) ? undefined : `${name}=${value}: not an integer`;
    case 'bool':
      return value === 'true' || value === 'false' ? undefined : `${name}=${value}: not true/false`;
    case 'string':
      return value === '' ? `${name}: empty` : undefined;
    case 'filter':
      return form.filters ? checkFilter(value, form.filters) : `${name}: no filters documented`;
    case 'orderby': {
      const field = value.replace(/^[+-]/, '');
      return (SORT_FIELDS as readonly string[]).includes(field)
        ? undefined
        : `orderby=${value}: sorting is documented on ${SORT_FIELDS.join(', ')} only`;
    }
  }
  return undefined;
}

/** What is undocumented about one recorded request (empty when it is a documented form). */
export function checkRequest(r: RecordedRequest): string[] {
  const where = `${r.method} ${r.path}`;
  const form = formFor(r.method, r.path);
  if (!form) return [`${where}: no documented method and path`];
  if (form === IMS_FORM) return [];
  const out: string[] = [];
  for (const h of [...GATEWAY_HEADERS, ...(form.headers ?? [])])
    if (!r.headers.includes(h)) out.push(`${where}: header ${h} missing`);
  const params = r.query.map(([k]) => k);
  for (const req of form.requiredQuery ?? [])
    if (!params.includes(req)) out.push(`${where}: query parameter ${req} missing`);
  for (const [k, v] of r.query) {
    const rule = form.query?.[k];
    if (rule === undefined) out.push(`${where}: query parameter ${k} is not documented here`);
    else {
      const problem = checkValue(k, v, rule, form);
      if (problem) out.push(`${where}: ${problem}`);
    }
  }
  if (params.includes('count') && params.includes('limit')) out.push(`${where}: limit with count (1401)`);
  if (r.method === 'PATCH') {
    if (!r.patch || r.patch.length === 0) out.push(`${where}: PATCH body is not a JSON Patch array`);
    for (const op of r.patch ?? []) {
      const name = String(op.op).toLowerCase();
      const rule = form.patch?.find((p) => typeof op.path === 'string' && p.path.test(op.path));
      if (!rule) out.push(`${where}: patch path ${String(op.path)} is not documented`);
      else if (!rule.ops.includes(name))
        out.push(`${where}: op ${String(op.op)} on ${String(op.path)} is not documented`);
      if ((name === 'add' || name === 'replace') && !op.hasValue)
        out.push(`${where}: ${name} ${String(op.path)} without value (RFC 6902; FS-OAS PatchInstruction)`);
    }
  }
  return out;
}
