/** Data Prep mapping sets (`/data/foundation/conversion/mappingSets`): create, get by version, put. */
import { z } from 'zod';
import { MappingSetSchema, type MappingSet } from './schemas.js';
import { enc, type CallOptions, type PlatformSender } from './resource.js';

/** Data Prep base path (the OAS text's `/conversation` is a typo; fact sheet §1). */
export const DATA_PREP_PATH = '/data/foundation/conversion';

/** One mapping as sent. ATTRIBUTE = source path, EXPRESSION = calculated field, STATIC = constant. */
export interface MappingInput {
  sourceType: 'ATTRIBUTE' | 'EXPRESSION' | 'STATIC';
  source: string;
  destination: string;
  name?: string;
  description?: string;
}

/**
 * A mapping set body. Adobe documents two styles: `outputSchema.schemaRef` (Data Prep guide) and
 * `xdmSchema` + `xdmVersion` (source tutorials); either may be sent.
 */
export interface MappingSetRequest {
  /** DP-OAS MappingSet.name; the controller names its sets so it can find them again. */
  name?: string;
  outputSchema?: { schemaRef: { id: string; contentType: string } };
  xdmSchema?: string;
  xdmVersion?: string;
  mappings: MappingInput[];
}

/** Options of a mapping set GET. */
export interface GetMappingSetOptions extends CallOptions {
  /**
   * The version to read. Required: DP-OAS defaults `version` to 0, so a GET without it may answer
   * the first version, not the latest; the client always says which one it means.
   */
  version: number;
}

/** Options of a mapping set list (Data Prep pages with `start` + `limit`, both required). */
export interface ListMappingSetsOptions extends CallOptions {
  /** Only sets with this name (a documented filter; hits still need checking: items may carry no name). */
  name?: string;
  start?: number;
  limit?: number;
}

/** Page size asked for when reading every page (Adobe's maximum is not documented). */
export const MAPPING_SET_PAGE_SIZE = 50;

const MappingSetPageSchema = z.looseObject({ data: z.array(MappingSetSchema).default([]) });

/** Mapping set operations (Adobe has no delete). */
export interface MappingSetsApi {
  /** POST; Adobe answers 200 with the set at version 0. */
  create(body: MappingSetRequest, options?: CallOptions): Promise<MappingSet>;
  /** GET at a version. */
  get(id: string, options: GetMappingSetOptions): Promise<MappingSet>;
  /** PUT the full body; Adobe increments `version`. Then PATCH the flow's mappingVersion. */
  put(id: string, body: MappingSetRequest, options?: CallOptions): Promise<MappingSet>;
  /** GET one page of mapping sets, optionally filtered by name. */
  list(options?: ListMappingSetsOptions): Promise<MappingSet[]>;
  /** Every page (`start` moves by what each page held, until a page comes back empty or short). */
  listAll(options?: Omit<ListMappingSetsOptions, 'start' | 'limit'>): Promise<MappingSet[]>;
}

/** Creates the mapping set API. */
export function mappingSetsApi(send: PlatformSender): MappingSetsApi {
  const root = `${DATA_PREP_PATH}/mappingSets`;
  const list = async (options: ListMappingSetsOptions = {}): Promise<MappingSet[]> => {
    const page = await send({
      operation: 'mappingSets.list',
      method: 'GET',
      path: root,
      query: {
        start: options.start ?? 0,
        limit: options.limit ?? MAPPING_SET_PAGE_SIZE,
        name: options.name,
      },
      schema: MappingSetPageSchema,
      signal: options.signal,
    });
    return page.data;
  };
  return {
    create: (body, options = {}) =>
      send({
        operation: 'mappingSets.create',
        method: 'POST',
        path: root,
        body,
        schema: MappingSetSchema,
        signal: options.signal,
      }),
    get: (id, options) =>
      send({
        operation: 'mappingSets.get',
        method: 'GET',
        path: `${root}/${enc(id)}`,
        query: { version: options.version },
        schema: MappingSetSchema,
        signal: options.signal,
      }),
    put: (id, body, options = {}) =>
      send({
        operation: 'mappingSets.put',
        method: 'PUT',
        path: `${root}/${enc(id)}`,
        body,
        schema: MappingSetSchema,
        signal: options.signal,
      }),
    list,
    listAll: async (options = {}) => {
      const out: MappingSet[] = [];
      const seen = new Set<string>();
      let largest = 0;
      for (let start = 0; ;) {
        const page = await list({ ...options, start, limit: MAPPING_SET_PAGE_SIZE });
        const fresh = page.filter((m) => !seen.has(m.id));
        // A server that ignored `start` would repeat a page: stop instead of looping.
        if (fresh.length === 0) return out;
        for (const m of fresh) seen.add(m.id);
        out.push(...fresh);
        // `_page.count` is unreliable (Adobe's example shows 0 beside two items) and the page cap
        // is undocumented: a page shorter than an earlier one is the last.
        if (page.length < largest) return out;
        largest = Math.max(largest, page.length);
        start += page.length;
      }
    },
  };
}
