/** Flow runs: `GET /runs?property=flowId==…`, paginated. */
import { RunSchema, type Run } from './schemas.js';
import { collection, propertyFilter, type ListOptions, type Page, type PlatformSender } from './resource.js';

/** Filters of a run listing; `property` adds more ANDed filters (e.g. a time window). */
export interface RunListOptions extends ListOptions {
  flowId: string;
}

/** Run operations. */
export interface RunsApi {
  /** One page of a flow's runs. */
  list(options: RunListOptions): Promise<Page<Run>>;
  /** Every page, following `_links.next` continuation tokens. */
  pages(options: RunListOptions): AsyncIterableIterator<Page<Run>>;
  /** The newest `limit` runs of a flow (orderby `-createdAt`), one request. */
  latest(flowId: string, limit: number, options?: Pick<ListOptions, 'signal'>): Promise<Run[]>;
}

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
  };
}
