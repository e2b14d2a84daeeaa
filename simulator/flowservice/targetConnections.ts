/** Target connections (`/targetConnections`): the data lake spec, a Catalog dataset and its XDM schema. */
import type { RequestContext, Route } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import { isObject } from '../http.js';
import type { KindDef } from './common.js';
import {
  crudRoutes,
  enterTransition,
  requireObject,
  requireSettledConnection,
  requireString,
  specRef,
  specValidation,
} from './common.js';
import { SPEC_IDS } from './specs.js';
import { refuseIfUsedByFlows } from './sourceConnections.js';
import { findDataset } from '../catalog.js';
import { findSchema } from '../schemaregistry.js';

/** Data formats accepted for a data lake target (`parquet_xdm` in most tutorials, `json` in Mixpanel's). */
export const TARGET_FORMATS = ['parquet_xdm', 'json'] as const;

/** The dataset's schema id, after checking dataset and schema exist and agree (1460, 1461, 1425). */
export function checkTargetData(ctx: RequestContext, next: Record<string, unknown>): void {
  const data = requireObject(next, 'data');
  const format = String(data['format']);
  if (!(TARGET_FORMATS as readonly string[]).includes(format)) {
    specValidation(`Unsupported data.format '${format}' for the data lake target.`);
  }
  const params = requireObject(next, 'params');
  const dataSetId = requireString(params, 'dataSetId', 'params.');
  const dataset = findDataset(ctx.sim, ctx.call, dataSetId);
  if (!dataset) {
    throw flowError(
      400,
      FLOW_CODES.DATASET_NOT_FOUND,
      `The dataset with ID ${dataSetId} could not be found in Catalog. Please provide a valid dataSetId and try again.`,
    );
  }
  const schema = data['schema'];
  if (schema === undefined || schema === null) return;
  if (!isObject(schema)) specValidation("Field 'data.schema' must be an object.");
  const schemaId = requireString(schema, 'id', 'data.schema.');
  if (!findSchema(ctx.sim, ctx.call, schemaId)) {
    throw flowError(
      400,
      FLOW_CODES.SCHEMA_NOT_FOUND,
      `The schema with ID ${schemaId} could not be found in Schema Registry. Please provide a valid schema ID and try again.`,
    );
  }
  const datasetSchema = (dataset.doc['schemaRef'] as { id?: string } | undefined)?.id;
  if (datasetSchema !== schemaId) {
    throw flowError(
      400,
      FLOW_CODES.SCHEMA_MISMATCH,
      `Error while matching schema in target dataset ${dataSetId} with schema ${schemaId}. Schema with same id and version must be used in both mapping and target dataset.`,
    );
  }
}

/** Target connection behaviour. */
export const targetConnectionsDef: KindDef = {
  kind: 'targetConnections',
  label: 'target connection',
  path: '/targetConnections',
  location: false,
  immutable: ['/connectionSpec', '/baseConnectionId'],
  create(ctx, body) {
    const name = requireString(body, 'name');
    const spec = specRef(body, 'connectionSpec');
    if (spec.id !== SPEC_IDS.DATA_LAKE_TARGET) {
      throw flowError(
        400,
        FLOW_CODES.INVALID_SPEC,
        'The spec ID provided is  invalid. Please provide a valid spec ID and try again.',
        {
          details: `${spec.id} is not a target connection spec; the data lake spec is ${SPEC_IDS.DATA_LAKE_TARGET}`,
        },
      );
    }
    const fields: Record<string, unknown> = {
      name,
      description: typeof body['description'] === 'string' ? body['description'] : '',
      state: 'enabled',
      connectionSpec: spec,
      data: isObject(body['data']) ? structuredClone(body['data']) : body['data'],
      params: isObject(body['params']) ? { ...body['params'] } : body['params'],
    };
    const baseId = body['baseConnectionId'];
    if (typeof baseId === 'string' && baseId !== '') {
      const base = ctx.sim.store.get(ctx.call, 'connections', baseId);
      if (!base) {
        throw flowError(
          400,
          FLOW_CODES.RESOURCE_NOT_FOUND,
          `The requested connections resource ${baseId} is not found. Verify the resource ID before trying again.`,
        );
      }
      fields['baseConnectionId'] = baseId;
      fields['inheritedAttributes'] = {
        baseConnection: { id: baseId, connectionSpec: base.doc['connectionSpec'] },
      };
    }
    checkTargetData(ctx, fields);
    return fields;
  },
  view: (_sim, r) => r.doc,
  afterCreate: (ctx, r) => enterTransition(ctx.sim, r, 'inProgress', 'enabled', 'connectionCreateMs'),
  beforeUpdate: (_ctx, r) => requireSettledConnection(r),
  afterPatch: (ctx, r) =>
    enterTransition(ctx.sim, r, 'updating', String(r.doc['state']), 'connectionUpdateMs'),
  validatePatch(ctx, next) {
    requireString(next, 'name');
    checkTargetData(ctx, next);
  },
  beforeDelete: (ctx, r) => {
    requireSettledConnection(r);
    refuseIfUsedByFlows(ctx, 'targetConnectionIds', r.id);
  },
};

/** Target connection routes. */
export const targetConnectionRoutes: Route[] = crudRoutes(targetConnectionsDef);
