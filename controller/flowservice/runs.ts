/** Flow runs: `GET /runs?property=flowId==…` (paginated), ad-hoc `POST /runs`, and the retry action. */
import { RunActionResultSchema, RunSchema, singleRun, type Run, type RunActionResult } from './schemas.js';
import {
  collection,
  enc,
  FLOW_SERVICE_PATH,
  propertyFilter,
  type CallOptions,
  type ListOptions,
  type Page,
  type PlatformSender,
} from './resource.js';

/** Filters of a run listing; `property` adds more ANDed filters (e.g. a time window). */
export interface RunListOptions extends ListOptions {
  flowId: string;
}

/** Body of an ad-hoc run (EN create-flow-runs.md): window bounds in epoch seconds. */
export interface CreateRunRequest {
  flowId: string;
  params?: { windowStartTime?: number | string; windowEndTime?: number | string; [k: string]: unknown };
}

/** Run operations. */
export interface RunsApi {
  /** One page of a flow's runs. */
  list(options: RunListOptions): Promise<Page<Run>>;
  /** Every page, following `_links.next` continuation tokens. */
  pages(options: RunListOptions): AsyncIterableIterator<Page<Run>>;
  /** The newest `limit` runs of a flow (orderby `-createdAt`, a documented sort), one request. */
  latest(flowId: string, limit: number, options?: Pick<ListOptions, 'signal'>): Promise<Run[]>;
  /** POST /runs: an ad-hoc run of a flow scheduled `once`; Adobe answers the full run (`scheduled`). */
  create(body: CreateRunRequest, options?: CallOptions): Promise<Run>;
  /** POST /runs/{id}/action?op=re-trigger: retries a failed run; answers the new run's id. */
  retrigger(runId: string, options?: CallOptions): Promise<RunActionResult>;
}

/** `op` of the retry action as the retry guide writes it (FS-OAS's enum spells it RE_TRIGGER). */
export const RETRIGGER_OP = 're-trigger';

/** Creates the runs API. */
export function runsApi(send: PlatformSender): RunsApi {
  const runs = collection<typeof RunSchema, never>(send, {
    operationPrefix: 'runs',
    path: '/runs',
    item: RunSchema,
  });
  const withFlow = ({ flowId, property = [], ...rest }: RunListOptions): ListOptions => ({
    ...rest,
    property: [propertyFilter('flowId', flowId), ...property],
  });
  return {
    list: (options) => runs.list(withFlow(options)),
    pages: (options) => runs.pages(withFlow(options)),
    latest: async (flowId, limit, options = {}) =>
      (await runs.list(withFlow({ flowId, orderby: '-createdAt', limit, ...options }))).items,
    create: (body, options = {}) =>
      send({
        operation: 'runs.create',
        method: 'POST',
        path: `${FLOW_SERVICE_PATH}/runs`,
        body,
        schema: singleRun,
        signal: options.signal,
      }),
    retrigger: (runId, options = {}) =>
      send({
        operation: 'runs.retrigger',
        method: 'POST',
        path: `${FLOW_SERVICE_PATH}/runs/${enc(runId)}/action`,
        query: { op: RETRIGGER_OP },
        schema: RunActionResultSchema,
        signal: options.signal,
      }),
  };
}
