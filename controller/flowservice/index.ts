/** Public API of the Flow Service client: import from here, not from the modules. */
export { createFlowServiceClient, type FlowServiceClient, type FlowServiceClientDeps } from './client.js';
export {
  DEFAULT_SCOPES,
  FlowServiceConfigSchema,
  parseFlowServiceConfig,
  type FlowServiceConfig,
  type FlowServiceConfigInput,
  type FlowServiceCredentials,
  type FlowServiceCredentialsInput,
} from './config.js';
export {
  FlowServiceError,
  FlowServiceErrorCode,
  FlowServiceErrorMessage,
  isFlowServiceError,
  isFlowServiceErrorKind,
  type FlowServiceErrorCodeValue,
  type FlowServiceErrorKind,
} from './errors.js';
export {
  flowServiceObserverFns,
  noopFlowServiceObserver,
  type FlowServiceObserver,
  type RequestEvent,
  type ThrottledEvent,
  type TokenRefreshEvent,
} from './observer.js';
export {
  propertyFilter,
  type CallOptions,
  type Collection,
  type JsonPatchOperation,
  type ListOptions,
  type Page,
} from './resource.js';
export type {
  ConnectionsApi,
  CreateConnectionRequest,
  CreateSourceConnectionRequest,
  CreateTargetConnectionRequest,
  ExploreOptions,
  SpecRefInput,
} from './connections.js';
export type {
  CreateFlowRequest,
  FlowAction,
  FlowsApi,
  MappingTransformationInput,
  ScheduleParamsInput,
  SpecApi,
} from './flows.js';
export type { CreateRunRequest, RunListOptions, RunsApi } from './runs.js';
export type {
  GetMappingSetOptions,
  MappingInput,
  MappingSetRequest,
  MappingSetsApi,
} from './mapping-sets.js';
export type { CatalogApi, GetSchemaOptions, SchemaRegistryApi } from './catalog.js';
export type {
  Connection,
  ConnectionSpec,
  Dataset,
  ExploreResult,
  Flow,
  FlowSpec,
  IdEtag,
  MappingSet,
  Run,
  RunActionResult,
  SourceConnection,
  TargetConnection,
  XdmSchema,
} from './schemas.js';
