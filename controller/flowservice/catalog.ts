/** Read-only lookups the engine validates a spec against: Catalog datasets and Schema Registry schemas. */
import { FlowServiceError } from './errors.js';
import { DatasetLookupSchema, XdmSchemaSchema, type Dataset, type XdmSchema } from './schemas.js';
import { enc, type CallOptions, type PlatformSender } from './resource.js';

/** Catalog base path. */
export const CATALOG_PATH = '/data/foundation/catalog';
/** Schema Registry base path. */
export const SCHEMA_REGISTRY_PATH = '/data/foundation/schemaregistry';
/** Accept header of a schema lookup (Schema Registry requires one with `version=1`). */
export const XDM_ACCEPT = 'application/vnd.adobe.xed+json; version=1';

/** Options of a schema lookup. */
export interface GetSchemaOptions extends CallOptions {
  /** `tenant` (default) or `global`. */
  container?: 'tenant' | 'global';
  accept?: string;
}

/** Catalog dataset lookup. */
export interface CatalogApi {
  /** GET /dataSets/{id}; Adobe answers `{<id>: {...}}`. */
  getDataset(id: string, options?: CallOptions): Promise<Dataset>;
}

/** Schema Registry lookup. */
export interface SchemaRegistryApi {
  /** GET /{container}/schemas/{url-encoded $id}. */
  getSchema(id: string, options?: GetSchemaOptions): Promise<XdmSchema>;
}

/** Creates the Catalog API. */
export function catalogApi(send: PlatformSender): CatalogApi {
  return {
    getDataset: async (id, options = {}) => {
      const operation = 'catalog.getDataset';
      const res = await send({
        operation,
        method: 'GET',
        path: `${CATALOG_PATH}/dataSets/${enc(id)}`,
        schema: DatasetLookupSchema,
        signal: options.signal,
      });
      const [key, value] = Object.entries(res).find(([k]) => k === id) ?? Object.entries(res)[0] ?? [];
      if (key === undefined || value === undefined) {
        throw new FlowServiceError({
          kind: 'not-found',
          operation,
          method: 'GET',
          status: 200,
          detail: 'empty lookup',
        });
      }
      return { ...value, id: key };
    },
  };
}

/** Creates the Schema Registry API. */
export function schemaRegistryApi(send: PlatformSender): SchemaRegistryApi {
  return {
    getSchema: (id, options = {}) =>
      send({
        operation: 'schemaRegistry.getSchema',
        method: 'GET',
        path: `${SCHEMA_REGISTRY_PATH}/${options.container ?? 'tenant'}/schemas/${enc(id)}`,
        headers: { accept: options.accept ?? XDM_ACCEPT },
        schema: XdmSchemaSchema,
        signal: options.signal,
      }),
  };
}
