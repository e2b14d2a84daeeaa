/** Assembly: `createFlowServiceClient(config, {logger, observer})` wires every piece together. */
import { pino, type Logger } from 'pino';
import {
  CredentialsSchema,
  parseFlowServiceConfig,
  type FlowServiceConfig,
  type FlowServiceConfigInput,
  type FlowServiceCredentials,
  type FlowServiceCredentialsInput,
} from './config.js';
import {
  connectionsApi,
  type ConnectionsApi,
  type CreateSourceConnectionRequest,
  type CreateTargetConnectionRequest,
} from './connections.js';
import { catalogApi, schemaRegistryApi, type CatalogApi, type SchemaRegistryApi } from './catalog.js';
import { flowsApi, type FlowsApi, type SpecApi } from './flows.js';
import { platformRequest, type PlatformContext } from './http.js';
import { mappingSetsApi, type MappingSetsApi } from './mapping-sets.js';
import { noopFlowServiceObserver, safeObserver, type FlowServiceObserver } from './observer.js';
import { leaseOrgRateLimiter, type OrgRateLimiterLease, type Sleep } from './rate-limit.js';
import type { Collection, PlatformSender } from './resource.js';
import { runsApi, type RunsApi } from './runs.js';
import type { ConnectionSpec, FlowSpec, SourceConnection, TargetConnection } from './schemas.js';
import { ImsTokenProvider } from './token.js';
import { LOG_REDACTION } from '../util/redact.js';
import { Transport } from './transport.js';

/** Collaborators of the client; all optional. */
export interface FlowServiceClientDeps {
  /** pino logger; the client logs under `component: flowservice` with secrets redacted. */
  logger?: Logger;
  observer?: FlowServiceObserver;
  /** Wall clock for token expiry (tests). */
  now?: () => number;
  /** Random source for backoff jitter (tests). */
  random?: () => number;
  /**
   * The clock the rate limiter reads and every wait (rate limit, retry backoff, Retry-After) sleeps
   * on; tests pass a virtual one. Default: `performance.now` and Node's timers.
   */
  clock?: { now(): number; sleep: Sleep };
}

/** The typed Flow Service, Data Prep, Catalog and Schema Registry client. */
export interface FlowServiceClient {
  /** The parsed configuration without the credentials. */
  readonly settings: Readonly<Omit<FlowServiceConfig, 'credentials'>>;
  readonly orgId: string;
  readonly connections: ConnectionsApi;
  readonly sourceConnections: Collection<SourceConnection, CreateSourceConnectionRequest>;
  readonly targetConnections: Collection<TargetConnection, CreateTargetConnectionRequest>;
  readonly flows: FlowsApi;
  readonly connectionSpecs: SpecApi<ConnectionSpec>;
  readonly flowSpecs: SpecApi<FlowSpec>;
  readonly runs: RunsApi;
  readonly mappingSets: MappingSetsApi;
  readonly catalog: CatalogApi;
  readonly schemaRegistry: SchemaRegistryApi;
  /** Swaps credentials (secret rotation): the next call fetches a new token with them. */
  updateCredentials(credentials: FlowServiceCredentialsInput): void;
  /** Closes the connection pools and releases the org's rate limiter. */
  close(): Promise<void>;
}

/** Builds a client. Parses `config` once (defaults in config.ts); throws a ZodError when invalid. */
export function createFlowServiceClient(
  config: FlowServiceConfigInput,
  deps: FlowServiceClientDeps = {},
): FlowServiceClient {
  const cfg = parseFlowServiceConfig(config);
  let credentials: FlowServiceCredentials = cfg.credentials;
  // Defence in depth: the client never logs secrets, and pino censors them if anyone tries.
  const logger = (deps.logger ?? pino({ level: 'silent' })).child(
    { component: 'flowservice' },
    { redact: LOG_REDACTION },
  );
  const observer = safeObserver(deps.observer ?? noopFlowServiceObserver);
  const policy = { maxRetries: cfg.maxRetries, ...cfg.retry };
  const transport = new Transport({
    connectionsPerOrigin: cfg.connectionsPerOrigin,
    keepAliveTimeoutMs: cfg.keepAliveTimeoutMs,
    maxResponseBytes: cfg.maxResponseBytes,
  });
  const tokens = new ImsTokenProvider({
    imsUrl: cfg.imsUrl,
    credentials,
    transport,
    policy,
    requestTimeoutMs: cfg.requestTimeoutMs,
    refreshMarginMs: cfg.tokenRefreshMarginMs,
    logger,
    observer,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const clock = deps.clock;
  const leaseFor = (orgId: string) =>
    leaseOrgRateLimiter(orgId, cfg.rateLimit, clock && (() => clock.now()), clock?.sleep);
  let lease: OrgRateLimiterLease = leaseFor(credentials.orgId);
  let closed = false;

  const ctx: PlatformContext = {
    platformUrl: cfg.platformUrl,
    sandbox: cfg.sandbox,
    requestTimeoutMs: cfg.requestTimeoutMs,
    policy,
    transport,
    tokens,
    identity: () => ({ clientId: credentials.clientId, orgId: credentials.orgId, secrets: tokens.secrets() }),
    bucket: () => lease.bucket,
    logger,
    observer,
    ...(deps.random ? { random: deps.random } : {}),
    ...(clock ? { sleep: clock.sleep } : {}),
  };
  const send: PlatformSender = (req) => platformRequest(ctx, req);
  const { credentials: _omit, ...settings } = cfg;

  return {
    settings,
    get orgId() {
      return credentials.orgId;
    },
    ...connectionsApi(send),
    ...flowsApi(send),
    runs: runsApi(send),
    mappingSets: mappingSetsApi(send),
    catalog: catalogApi(send),
    schemaRegistry: schemaRegistryApi(send),
    updateCredentials(input) {
      const next = CredentialsSchema.parse(input);
      if (next.orgId !== credentials.orgId && !closed) {
        lease.release();
        lease = leaseFor(next.orgId);
      }
      credentials = next;
      tokens.setCredentials(next);
      logger.info({ orgId: next.orgId }, 'Flow Service credentials updated');
    },
    async close() {
      if (closed) return;
      closed = true;
      lease.release();
      await transport.close();
    },
  };
}
