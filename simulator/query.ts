/** List queries as documented in "Sort and filter" (EN help/dataflows/api/sort-and-filter.md):
 * `property=` filters, `orderby`, `limit`, `continuationToken`, `count`. Pure functions. */
import { flowError, FLOW_CODES } from './errors.js';

/** One parsed `property=` filter. */
export interface Filter {
  path: string;
  /** `path` split on dots, computed once per request. */
  segments: string[];
  /** Lowercased values, for case-insensitive equality. */
  lowered: string[];
  /** True when no segment expands an array (`[]`), so one walk finds the value. */
  simple: boolean;
  op: '==' | '!=' | '>' | '<' | '>=' | '<=' | 'exists';
  values: string[];
}

/** How a list endpoint pages and sorts. */
export interface ListOptions {
  /** Path relative to the service root, used in `_links.next.href` (e.g. `/flows`). */
  basePath: string;
  /** Fields accepted by `orderby`. */
  sortable: readonly string[];
  defaultLimit: number;
  maxLimit: number;
}

const FILTER_RE = /^([^=!<>]+?)\s*(==|!=|>=|<=|>|<)(.*)$/;
const PATH_RE = /^[A-Za-z0-9_$.[\]-]+$/;

function unquote(v: string): string {
  const t = v.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** Parses one `property=` value; comma-separated values are OR-ed. */
export function parseFilter(raw: string): Filter {
  const m = FILTER_RE.exec(raw);
  if (!m) {
    const path = raw.trim();
    if (PATH_RE.test(path)) return compiled(path, 'exists', []);
    throw flowError(400, FLOW_CODES.INVALID_OPERATOR, `Invalid operator in filter params: ${raw}.`);
  }
  const path = m[1]!.trim();
  const op = m[2] as Filter['op'];
  const valueText = m[3]!;
  if (valueText.trim() === '') {
    throw flowError(
      400,
      FLOW_CODES.INVALID_QUERY_VALUE,
      `Invalid query value ${raw} provided in query param.`,
    );
  }
  const values = valueText.split(',').map(unquote);
  if (values.length > 1 && op !== '==' && op !== '!=') {
    throw flowError(
      400,
      FLOW_CODES.MULTI_VALUE_OPERATOR,
      `Operator '${op}' is not allowed for multiple values.`,
    );
  }
  return compiled(path, op, values);
}

function compiled(path: string, op: Filter['op'], values: string[]): Filter {
  const segments = path.split('.');
  return {
    path,
    segments,
    op,
    values,
    lowered: values.map((v) => v.toLowerCase()),
    simple: !segments.some((s) => s.endsWith('[]')),
  };
}

function walk(obj: unknown, segments: string[]): unknown {
  let v = obj;
  for (const seg of segments) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

function equalsAny(v: unknown, lowered: string[]): boolean {
  if (Array.isArray(v)) return v.some((x) => equalsAny(x, lowered));
  if (v === undefined) return false;
  const s = (typeof v === 'string' ? v : String(v)).toLowerCase();
  return lowered.includes(s);
}

/** Every value at a dotted path; `a[]` and arrays at the end of the path expand to their elements. */
export function valuesAt(obj: unknown, path: string | string[]): unknown[] {
  let current: unknown[] = [obj];
  for (const rawSeg of typeof path === 'string' ? path.split('.') : path) {
    const expand = rawSeg.endsWith('[]');
    const seg = expand ? rawSeg.slice(0, -2) : rawSeg;
    const next: unknown[] = [];
    for (const c of current) {
      if (typeof c !== 'object' || c === null) continue;
      const v = (c as Record<string, unknown>)[seg];
      if (v === undefined) continue;
      if (Array.isArray(v)) next.push(...v);
      else next.push(v);
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function compareScalar(a: unknown, b: string): number {
  const an = typeof a === 'number' ? a : Number(a);
  const bn = Number(b);
  if (Number.isFinite(an) && Number.isFinite(bn) && String(a).trim() !== '' && b.trim() !== '') {
    return an - bn;
  }
  return String(a).toLowerCase().localeCompare(b.toLowerCase());
}

/** Every `property=` filter of a query (repeated parameters are AND-ed). */
export function parseFilters(query: URLSearchParams): Filter[] {
  return query.getAll('property').map(parseFilter);
}

/** Whether an item passes one filter. Equality is case-insensitive (the guide filters `status==Failed`). */
export function matches(item: unknown, f: Filter): boolean {
  // Fast path for the common lookups (`name==…`, `flowId==…`): no intermediate arrays.
  if (f.simple && (f.op === '==' || f.op === '!=')) {
    const hit = equalsAny(walk(item, f.segments), f.lowered);
    return f.op === '==' ? hit : !hit;
  }
  const vals = valuesAt(item, f.segments);
  switch (f.op) {
    case 'exists':
      return vals.length > 0;
    case '==':
      return vals.some((v) => f.values.some((x) => String(v).toLowerCase() === x.toLowerCase()));
    case '!=':
      return !vals.some((v) => f.values.some((x) => String(v).toLowerCase() === x.toLowerCase()));
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

function sortValue(item: unknown, field: string): unknown {
  return valuesAt(item, field)[0];
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
        const c = compareValues(sortValue(x.item, k.field), sortValue(y.item, k.field));
        if (c !== 0) return k.descending ? -c : c;
      }
      return x.index - y.index;
    })
    .map((e) => e.item);
}

function decodeToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through to the error below
  }
  throw flowError(
    400,
    FLOW_CODES.INVALID_QUERY_VALUE,
    `Invalid query value continuationToken=${token} provided in query param.`,
  );
}

function parseLimit(raw: string, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw flowError(
      400,
      FLOW_CODES.INVALID_QUERY_VALUE,
      `Invalid query value limit=${raw} provided in query param.`,
    );
  }
  return Math.min(n, max);
}

/** Filters, sorts and pages `items` as the query asks; returns the documented list body. */
export function listResponse(
  items: Record<string, unknown>[],
  query: URLSearchParams,
  opts: ListOptions,
): Record<string, unknown> {
  const countOnly = query.get('count') === 'true';
  if (countOnly && query.has('limit')) {
    throw flowError(
      400,
      FLOW_CODES.LIMIT_AND_COUNT,
      'The limit and count parameters cannot be given together in the same request. Please provide either only the limit or the count parameter and try again.',
    );
  }
  const filters = parseFilters(query);
  let selected = filters.length ? items.filter((it) => filters.every((f) => matches(it, f))) : items;
  if (countOnly) return { count: selected.length };
  const orderby = query.get('orderby');
  if (orderby) selected = sortItems(selected, parseOrderBy(orderby, opts.sortable));
  const limitRaw = query.get('limit');
  const limit = limitRaw === null ? opts.defaultLimit : parseLimit(limitRaw, opts.maxLimit);
  const tokenRaw = query.get('continuationToken');
  const offset = tokenRaw ? decodeToken(tokenRaw) : 0;
  const page = selected.slice(offset, offset + limit);
  const links: Record<string, unknown> = {};
  if (offset + limit < selected.length) {
    const next = new URLSearchParams(query);
    next.set('continuationToken', Buffer.from(JSON.stringify({ o: offset + limit })).toString('base64url'));
    links['next'] = { href: `${opts.basePath}?${next.toString()}` };
  }
  return { items: page, _links: links };
}
