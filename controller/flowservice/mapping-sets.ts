/** Data Prep mapping sets (`/data/foundation/conversion/mappingSets`): create, get by version, put. */
import { z } from 'zod';
import { MappingSetSchema, pageWith, type MappingSet } from './schemas.js';
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
  outputSchema?: { schemaRef: { id: string; contentType: string } };
  xdmSchema?: string;
  xdmVersion?: string;
  mappings: MappingInput[];
}

/** Options of a mapping set GET. */
export interface GetMappingSetOptions extends CallOptions {
  /** A specific version; the latest when omitted. */
  version?: number;
}

/** Options of a mapping set list (Data Prep pages with `start` + `limit`, both required). */
export interface ListMappingSetsOptions extends CallOptions {
  /** Only sets with exactly this name. */
  name?: string;
  start?: number;
  limit?: number;
}

// DP-OAS MapperSetPage: `data`, `_page`, `_links`.
const MappingSetPageSchema = pageWith(
  ['data', '_page', '_links'],
  z.looseObject({ data: z.array(MappingSetSchema).default([]) }),
);

/** Mapping set operations (Adobe has no delete). */
export interface MappingSetsApi {
  /** POST; Adobe answers 200 with the set at version 0. */
  create(body: MappingSetRequest, options?: CallOptions): Promise<MappingSet>;
  /** GET, optionally at a version. */
  get(id: string, options?: GetMappingSetOptions): Promise<MappingSet>;
  /** PUT the full body; Adobe increments `version`. Then PATCH the flow's mappingVersion. */
  put(id: string, body: MappingSetRequest, options?: CallOptions): Promise<MappingSet>;
  /** GET one page of mapping sets, optionally filtered by name. */
  list(options?: ListMappingSetsOptions): Promise<MappingSet[]>;
}

/** Creates the mapping set API. */
export function mappingSetsApi(send: PlatformSender): MappingSetsApi {
  const root = `${DATA_PREP_PATH}/mappingSets`;
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
    get: (id, options = {}) =>
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
    list: async (options = {}) => {
      const page = await send({
        operation: 'mappingSets.list',
        method: 'GET',
        path: root,
        query: { start: options.start ?? 0, limit: options.limit ?? 10, name: options.name },
        schema: MappingSetPageSchema,
        signal: options.signal,
      });
      return page.data;
    },
  };
}
