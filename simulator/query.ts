/** List queries as documented in "Sort and filter" (EN help/dataflows/api/sort-and-filter.md):
 * `property=` filters, `orderby`, `limit`, `continuationToken`, `count`. Pure functions. */
import { documentedField, FLOW_FILTER_STATES } from './documented.js';
import { flowError, FLOW_CODES } from './errors.js';

/** One parsed `property=` filter. */
export interface Filter {
  path: string;
  /** `path` split on dots, computed once per request. */
  segments: string[];
  /** Lowercased values, for case-insensitive equality. */
  lowered: string[];
  op: '==' | '>' | '<' | '>=' | '<=';
  values: string[];
}

/** Which fields a collection filters on, and what happens to the others. */
export interface FilterPolicy {
  /** Key of FILTER_FIELDS (`flows`, `runs`, …). */
  collection: string;
  /** Undocumented field: 1449-400 (`reject`) or the filter is dropped (`ignore`). */
  undocumented: 'reject' | 'ignore';
  /** Drop every filter after checking it (a lax server). */
  ignoreAll?: boolean;
}

const FILTER_RE = /^([^=!<>]+?)\s*(==|!=|>=|<=|>|<|=)(.*)$/;

function unquote(v: string): string {
  const t = v.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function invalidOperator(raw: string, op: string): never {
  throw flowError(400, FLOW_CODES.INVALID_OPERATOR, `Invalid operator ${op} in filter params: ${raw}.`);
}

/** Parses one `property=` value; comma-separated values are OR-ed. Only documented operators pass. */
export function parseFilter(raw: string): Filter {
  const m = FILTER_RE.exec(raw);
  if (!m) invalidOperator(raw, '(none)');
  const path = m[1]!.trim();
  const op = m[2]!;
  // The guide documents `==` and the range operators; `!=` and a single `=` are not documented.
  if (op === '!=' || op === '=') invalidOperator(raw, op);
  const valueText = m[3]!;
  if (valueText.trim() === '') {
    throw flowError(
      400,
      FLOW_CODES.INVALID_QUERY_VALUE,
      `Invalid query value ${raw} provided in query param.`,
    );
  }
  const values = valueText.split(',').map(unquote);
  if (values.length > 1 && op !== '==') {
    throw flowError(
      400,
      FLOW_CODES.MULTI_VALUE_OPERATOR,
      `Operator '${op}' is not allowed for multiple values.`,
    );
  }
  return {
    path,
    segments: path.split('.'),
    op: op as Filter['op'],
    values,
    lowered: values.map((v) => v.toLowerCase()),
  };
}

/** Answers 1451 for any query parameter the route does not document. */
export function checkParams(query: URLSearchParams, allowed: readonly string[]): void {
  for (const key of new Set(query.keys())) {
    if (!allowed.includes(key)) {
      throw flowError(400, FLOW_CODES.INVALID_PARAMS, `Invalid params ${key} provided in query params.`);
    }
  }
}

/** Every `property=` filter of a query (repeated parameters are AND-ed), held to the policy. */
export function parseFilters(query: URLSearchParams, policy?: FilterPolicy): Filter[] {
  const out: Filter[] = [];
  for (const raw of query.getAll('property')) {
    const filter = parseFilter(raw);
    if (!policy) {
      out.push(filter);
      continue;
    }
    const field = documentedField(policy.collection, filter.path);
    if (!field) {
      if (policy.undocumented === 'ignore') continue;
      throw flowError(400, FLOW_CODES.INVALID_FILTER_FIELD, `Invalid field ${filter.path} in filter params.`);
    }
    if (filter.op !== '==' && !field.range) {
      throw flowError(
        400,
        FLOW_CODES.OPERATOR_NOT_SUPPORTED,
        `Operator ${filter.op} not supported for field ${filter.path}.`,
      );
    }
    if (field.range && filter.op !== '==' && !Number.isFinite(Number(filter.values[0]))) {
      throw flowError(
        400,
        FLOW_CODES.INVALID_FILTER_VALUE,
        `Invalid value ${filter.values.join(',')} for field ${filter.path}.`,
      );
    }
    if (policy.collection === 'flows' && filter.path === 'state') {
      const bad = filter.lowered.find((v) => !(FLOW_FILTER_STATES as readonly string[]).includes(v));
      if (bad) {
        throw flowError(
          400,
          FLOW_CODES.INVALID_STATE_VALUE,
          `State ${bad} is not a valid value. Allowed values are [${FLOW_FILTER_STATES.join(', ')}].`,
        );
      }
    }
    out.push(filter);
  }
  return policy?.ignoreAll ? [] : out;
}

/**
 * Every value at a dotted path. Only a segment written `a[]` steps into the elements of an array;
 * an array reached without `[]` stays one (non-scalar) value and matches nothing, as the guide
 * requires `[]` for properties nested in arrays.
 */
export function valuesAt(obj: unknown, path: string | string[]): unknown[] {
  let current: unknown[] = [obj];
  for (const rawSeg of typeof path === 'string' ? path.split('.') : path) {
    const expand = rawSeg.endsWith('[]');
    const seg = expand ? rawSeg.slice(0, -2) : rawSeg;
    const next: unknown[] = [];
    for (const c of current) {
      if (typeof c !== 'object' || c === null || Array.isArray(c)) continue;
      const v = (c as Record<string, unknown>)[seg];
      if (v === undefined) continue;
      if (expand) {
        if (Array.isArray(v)) next.push(...v);
      } else next.push(v);
    }
    current = next;
  }
  return current;
}

const scalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function compareScalar(a: string | number | boolean, b: string): number {
  const an = typeof a === 'number' ? a : Number(a);
  const bn = Number(b);
  if (Number.isFinite(an) && Number.isFinite(bn) && String(a).trim() !== '' && b.trim() !== '') {
    return an - bn;
  }
  return String(a).toLowerCase().localeCompare(b.toLowerCase());
}

/** Whether an item passes one filter. Equality is case-insensitive (the guide filters `status==Failed`). */
export function matches(item: unknown, f: Filter): boolean {
  const vals = valuesAt(item, f.segments).filter(scalar);
  switch (f.op) {
    case '==':
      return vals.some((v) => f.lowered.includes(String(v).toLowerCase()));
    case '>':
      return vals.some((v) => compareScalar(v, f.values[0]!) > 0);
    case '<':
      return vals.some((v) => compareScalar(v, f.values[0]!) < 0);
    case '>=':
      return vals.some((v) => compareScalar(v, f.values[0]!) >= 0);
    case '<=':
      return vals.some((v) => compareScalar(v, f.values[0]!) <= 0);
  }
}

/** One `orderby` key. */
export interface SortKey {
  field: string;
  descending: boolean;
}

/** Parses `orderby` (`name`, `+name`, `-name`, comma-separated); a `+` decoded as a space counts as `+`. */
export function parseOrderBy(raw: string, sortable: readonly string[]): SortKey[] {
  return raw.split(',').map((part) => {
    let p = part;
    let descending = false;
    if (p.startsWith('-')) {
      descending = true;
      p = p.slice(1);
    } else if (p.startsWith('+') || p.startsWith(' ')) {
      p = p.slice(1);
    }
    p = p.trim();
    if (!/^[A-Za-z_]/.test(p)) {
      throw flowError(
        400,
        FLOW_CODES.SORT_ORDER,
        'Sort order specified is not correct, prepend + for ascending order and - for descending order in the fieldName.',
      );
    }
    if (!sortable.includes(p)) {
      throw flowError(
        400,
        FLOW_CODES.SORT_FIELD,
        `Incorrect field= ${p} passed in orderBy, example are +name, -name, name.`,
      );
    }
    return { field: p, descending };
  });
}

function compareValues(a: unknown, b: unknown): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** Stable sort by the keys (items without the field go last). */
export function sortItems<T>(items: T[], keys: SortKey[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((x, y) => {
      for (const k of keys) {
        const c = compareValues(valuesAt(x.item, k.field)[0], valuesAt(y.item, k.field)[0]);
        if (c !== 0) return k.descending ? -c : c;
      }
      return x.index - y.index;
    })
    .map((e) => e.item);
}
