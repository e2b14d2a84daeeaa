/** Flows (create/get/list/patch/delete, enable/disable) and the connection/flow spec lookups. */
import type { z } from 'zod';
import {
  ConnectionSpecSchema,
  FlowSchema,
  FlowSpecSchema,
  IdEtagSchema,
  type ConnectionSpec,
  type Flow,
  type FlowSpec,
  type IdEtag,
} from './schemas.js';
import {
  collection,
  enc,
  FLOW_SERVICE_PATH,
  getSingle,
  type CallOptions,
  type Collection,
  type PlatformSender,
} from './resource.js';
import type { SpecRefInput } from './connections.js';

/** `scheduleParams` of a flow create; startTime in epoch seconds. */
export interface ScheduleParamsInput {
  startTime: number;
  frequency: 'once' | 'minute' | 'hour' | 'day' | 'week';
  /** Required unless frequency is once; ≥ 15 for minute. */
  interval?: number;
  backfill?: boolean;
}

/** The Mapping transformation that points a flow at a mapping set version. */
export interface MappingTransformationInput {
  name: 'Mapping';
  params: { mappingId: string; mappingVersion: number | string };
}

/** POST /flows body (`state` is not allowed: 1410-400). */
export interface CreateFlowRequest {
  name: string;
  description?: string;
  flowSpec: SpecRefInput;
  sourceConnectionIds: string[];
  targetConnectionIds: string[];
  transformations?: MappingTransformationInput[];
  scheduleParams?: ScheduleParamsInput;
}

/** `op` of POST /flows/{id}/action, lowercase as in Adobe's guides. */
export type FlowAction = 'enable' | 'disable';

/** Flow operations. */
export interface FlowsApi extends Collection<Flow, CreateFlowRequest> {
  /** POST /flows/{id}/action?op=enable; answers the new etag. */
  enable(id: string, options?: CallOptions): Promise<IdEtag>;
  /** POST /flows/{id}/action?op=disable; answers the new etag. */
  disable(id: string, options?: CallOptions): Promise<IdEtag>;
  /** Any documented flow action. */
  action(id: string, op: FlowAction, options?: CallOptions): Promise<IdEtag>;
}

/** GET of one spec. */
export interface SpecApi<T> {
  get(id: string, options?: CallOptions): Promise<T>;
}

/** Creates the flow, connection spec and flow spec APIs. */
export function flowsApi(send: PlatformSender): {
  flows: FlowsApi;
  connectionSpecs: SpecApi<ConnectionSpec>;
  flowSpecs: SpecApi<FlowSpec>;
} {
  const base = collection<typeof FlowSchema, CreateFlowRequest>(send, {
    operationPrefix: 'flows',
    path: '/flows',
    item: FlowSchema,
  });
  const action = (id: string, op: FlowAction, options: CallOptions = {}): Promise<IdEtag> =>
    send({
      operation: `flows.${op}`,
      method: 'POST',
      path: `${FLOW_SERVICE_PATH}/flows/${enc(id)}/action`,
      query: { op },
      schema: IdEtagSchema,
      signal: options.signal,
    });
  return {
    flows: {
      ...base,
      action,
      enable: (id, options) => action(id, 'enable', options),
      disable: (id, options) => action(id, 'disable', options),
    },
    connectionSpecs: specApi(send, 'connectionSpecs', ConnectionSpecSchema),
    flowSpecs: specApi(send, 'flowSpecs', FlowSpecSchema),
  };
}

function specApi<S extends z.ZodType>(send: PlatformSender, name: string, item: S): SpecApi<z.output<S>> {
  return {
    get: (id, options = {}) =>
      getSingle(send, `${name}.get`, `${FLOW_SERVICE_PATH}/${name}/${enc(id)}`, item, options.signal),
  };
}
