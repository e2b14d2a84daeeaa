/** The documented list body: filter, sort, page with continuation tokens bound to their query,
 * `_links.next.href` as `/<collection>?continuationToken=…` and `_links: {}` on the last page. */
import { createHash } from 'node:crypto';
import { LIST_PARAMS } from './documented.js';
import { flowError, FLOW_CODES } from './errors.js';
import { checkParams, matches, parseFilters, parseOrderBy, sortItems, type Filter } from './query.js';

/** How a list endpoint pages and sorts. */
export interface ListOptions {
  /** Path relative to the service root, used in `_links.next.href` (e.g. `/flows`). */
  basePath: string;
  /** Fields accepted by `orderby`. */
  sortable: readonly string[];
  defaultLimit: number;
  maxLimit: number;
}

/** What a continuation token binds: the filters and sort of the query that produced it. */
function fingerprint(query: URLSearchParams): string {
  const parts = [...query.getAll('property')].sort();
  parts.push(`orderby=${query.get('orderby') ?? ''}`);
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 16);
}

function badToken(token: string): never {
  throw flowError(
    400,
    FLOW_CODES.INVALID_QUERY_VALUE,
    `Invalid query value continuationToken=${token} provided in query param.`,
  );
}

/** A token's offset; it must come back with the filters and sort it was issued for. */
function decodeToken(token: string, query: URLSearchParams): number {
  let parsed: { o?: unknown; q?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
  } catch {
    badToken(token);
  }
  const o = parsed.o;
  if (typeof o !== 'number' || !Number.isInteger(o) || o < 0) badToken(token);
  if (parsed.q !== fingerprint(query)) badToken(token);
  return o;
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

/**
 * Filters, sorts and pages `items`; returns the documented list body. `_links.next.href` is
 * `/<collection>?continuationToken=…` and nothing else (FS-OAS PageLink): the client sends its
 * filters again with the token, and a token sent with other filters is refused (1453).
 */
export function listResponse(
  items: Record<string, unknown>[],
  query: URLSearchParams,
  opts: ListOptions,
  filters: Filter[] = parseFilters(query),
): Record<string, unknown> {
  checkParams(query, LIST_PARAMS);
  const countOnly = query.get('count') === 'true';
  if (countOnly && query.has('limit')) {
    throw flowError(
      400,
      FLOW_CODES.LIMIT_AND_COUNT,
      'The limit and count parameters cannot be given together in the same request. Please provide either only the limit or the count parameter and try again.',
    );
  }
  let selected = filters.length ? items.filter((it) => filters.every((f) => matches(it, f))) : items;
  if (countOnly) return { count: selected.length };
  const orderby = query.get('orderby');
  if (orderby) selected = sortItems(selected, parseOrderBy(orderby, opts.sortable));
  const limitRaw = query.get('limit');
  const limit = limitRaw === null ? opts.defaultLimit : parseLimit(limitRaw, opts.maxLimit);
  const tokenRaw = query.get('continuationToken');
  const offset = tokenRaw ? decodeToken(tokenRaw, query) : 0;
  const page = selected.slice(offset, offset + limit);
  const links: Record<string, unknown> = {};
  if (offset + limit < selected.length) {
    const token = Buffer.from(JSON.stringify({ o: offset + limit, q: fingerprint(query) })).toString(
      'base64url',
    );
    links['next'] = { href: `${opts.basePath}?${new URLSearchParams({ continuationToken: token })}` };
  }
  return { items: page, _links: links };
}
