/** Generic Flow Service collection operations (create/get/list/pages/count/patch/delete). */
import { z } from 'zod';
import { FlowServiceError } from './errors.js';
import type { PlatformRequest, QueryInput } from './http.js';
import { CountSchema, IdEtagSchema, listPageSchema, PatchResultSchema, type IdEtag } from './schemas.js';

/** Flow Service base path under the platform URL (fact sheet §1). */
export const FLOW_SERVICE_PATH = '/data/foundation/flowservice';

/** Sends one typed platform request (the bound `platformRequest`). */
export type PlatformSender = <S extends z.ZodType | null>(
  req: PlatformRequest<S>,
) => Promise<S extends z.ZodType ? z.output<S> : undefined>;

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call (and any backoff wait); the client adds its own per-attempt timeout. */
  signal?: AbortSignal;
}

/** One RFC 6902 operation of a Flow Service PATCH body. */
export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  /** JSON Pointer, e.g. `/scheduleParams/interval`. */
  path: string;
  value?: unknown;
}

/** List filters. `property` entries are ANDed; one entry may OR values with commas (see propertyFilter). */
export interface ListOptions extends CallOptions {
  property?: readonly string[];
  /** `name` ascending, `-name` descending. */
  orderby?: string;
  limit?: number;
  continuationToken?: string;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Token for the next page; absent on the last page. */
  continuationToken?: string;
  /** `count` when the server included it. */
  count?: number;
}

/** Builds `field==a,b` (Flow Service ORs comma-separated values). Values must not contain commas. */
export function propertyFilter(field: string, ...values: readonly string[]): string {
  if (values.length === 0) throw new Error('propertyFilter needs at least one value');
  for (const v of values)
    if (v.includes(',')) throw new Error(`filter value must not contain a comma: ${field}`);
  return `${field}==${values.join(',')}`;
}

/** Typed operations over one Flow Service collection. */
export interface Collection<T, C> {
  /** POST; answers `{id, etag}` (etag quoted, as Adobe sends it). */
  create(body: C, options?: CallOptions): Promise<IdEtag>;
  /** GET by id; Adobe wraps the item in `{items:[…]}`. Throws `not-found` on 404. */
  get(id: string, options?: CallOptions): Promise<T>;
  /** One page of the list. */
  list(options?: ListOptions): Promise<Page<T>>;
  /** Every page, following continuation tokens. */
  pages(options?: ListOptions): AsyncIterableIterator<Page<T>>;
  /** Every item of every page. */
  listAll(options?: ListOptions): Promise<T[]>;
  /** `count=true`: the number of matching items. */
  count(options?: Omit<ListOptions, 'limit' | 'continuationToken'>): Promise<number>;
  /** JSON Patch with `If-Match: etag` sent exactly as Adobe returned it; answers the new etag. */
  patch(id: string, etag: string, ops: readonly JsonPatchOperation[], options?: CallOptions): Promise<IdEtag>;
  /** DELETE (204). Throws `not-found` when already gone. */
  delete(id: string, options?: CallOptions): Promise<void>;
}

/** Names the operations `<prefix>.create`, `<prefix>.get`, … */
export interface CollectionConfig<S extends z.ZodType> {
  operationPrefix: string;
  /** Path under the Flow Service root, e.g. `/connections`. */
  path: string;
  item: S;
  /** Secret values inside a create/patch body, scrubbed from error messages. */
  secretsOf?: (body: unknown) => string[];
}

/** Builds the typed collection. */
export function collection<S extends z.ZodType, C>(
  send: PlatformSender,
  cfg: CollectionConfig<S>,
): Collection<z.output<S>, C> {
  type T = z.output<S>;
  const root = FLOW_SERVICE_PATH + cfg.path;
  const op = (name: string): string => `${cfg.operationPrefix}.${name}`;
  const page = listPageSchema(cfg.item);

  const list = async (options: ListOptions = {}): Promise<Page<T>> => {
    const body = await send({
      operation: op('list'),
      method: 'GET',
      path: root,
      query: listQuery(options),
      schema: page,
      signal: options.signal,
    });
    const next = nextToken(body._links?.next?.href);
    return {
      items: body.items as T[],
      ...(next ? { continuationToken: next } : {}),
      ...(body.count !== undefined ? { count: body.count } : {}),
    };
  };

  async function* pages(options: ListOptions = {}): AsyncIterableIterator<Page<T>> {
    let token = options.continuationToken;
    const seen = new Set<string>();
    for (;;) {
      const p = await list({ ...options, ...(token ? { continuationToken: token } : {}) });
      yield p;
      if (!p.continuationToken || seen.has(p.continuationToken)) return;
      seen.add(p.continuationToken); // a repeated token would loop forever
      token = p.continuationToken;
    }
  }

  return {
    create: (body, options = {}) =>
      send({
        operation: op('create'),
        method: 'POST',
        path: root,
        body,
        schema: IdEtagSchema,
        signal: options.signal,
        secrets: cfg.secretsOf?.(body) ?? [],
      }),
    get: (id, options = {}) => getSingle(send, op('get'), `${root}/${enc(id)}`, cfg.item, options.signal),
    list,
    pages,
    listAll: async (options = {}) => {
      const all: T[] = [];
      for await (const p of pages(options)) all.push(...p.items);
      return all;
    },
    count: async (options = {}) => {
      const res = await send({
        operation: op('count'),
        method: 'GET',
        path: root,
        query: { ...listQuery(options), count: true },
        schema: CountSchema,
        signal: options.signal,
      });
      return res.count;
    },
    patch: (id, etag, ops, options = {}) =>
      send({
        operation: op('patch'),
        method: 'PATCH',
        path: `${root}/${enc(id)}`,
        headers: { 'if-match': etag },
        body: ops,
        schema: PatchResultSchema,
        signal: options.signal,
        secrets: cfg.secretsOf?.(ops) ?? [],
      }),
    delete: async (id, options = {}) => {
      await send({
        operation: op('delete'),
        method: 'DELETE',
        path: `${root}/${enc(id)}`,
        schema: null,
        signal: options.signal,
      });
    },
  };
}

/**
 * GET of one item, unwrapped from `{items:[…]}`. An empty list is an `invalid-response` (retried),
 * never `not-found`: Adobe answers a missing id with 404, and taking a 200 without the item (a
 * gateway or a lagging replica) for a deletion makes the engine recreate what still exists.
 */
export async function getSingle<S extends z.ZodType>(
  send: PlatformSender,
  operation: string,
  path: string,
  item: S,
  signal: AbortSignal | undefined,
): Promise<z.output<S>> {
  const res = await send({ operation, method: 'GET', path, schema: singleItem(item), signal });
  if (res === undefined) {
    throw new FlowServiceError({
      kind: 'invalid-response',
      operation,
      method: 'GET',
      status: 200,
      detail: 'a 200 answer without the item (Adobe answers 404 for a missing id)',
    });
  }
  return res as z.output<S>;
}

/** GET by id: `{items:[item]}` as documented, or the bare item; undefined when items is empty. */
export function singleItem<S extends z.ZodType>(item: S) {
  return z.union([z.looseObject({ items: z.array(item) }).transform((v) => v.items[0]), item]);
}

/** Query of a list call. */
export function listQuery(options: Omit<ListOptions, 'signal'>): QueryInput {
  return {
    property: options.property,
    orderby: options.orderby,
    limit: options.limit,
    continuationToken: options.continuationToken,
  };
}

/** The continuationToken inside a `_links.next.href` (relative to the service root). */
export function nextToken(href: string | undefined): string | undefined {
  if (!href) return undefined;
  const token = new URL(href, 'http://next.invalid').searchParams.get('continuationToken');
  return token ?? undefined;
}

/** Path segment encoding for ids. */
export function enc(id: string): string {
  return encodeURIComponent(id);
}
