/**
 * The narrow port through which the engine talks to Adobe. An adapter (controller/adobe/) maps
 * the Flow Service client onto it. Every method is idempotent in effect when retried with the
 * same arguments, except the creates, which the engine guards with a find-by-name first.
 * Reads return `null` for "does not exist" (404); every other failure is thrown as a
 * `ReconcileError` (errors.ts) that the adapter builds from the client's error, so the engine
 * never classifies an HTTP failure itself.
 */

/** Platform (IMS) credentials from the platform Secret. */
export interface PlatformCredentials {
  clientId: string;
  clientSecret: string;
  orgId: string;
  scopes?: string;
  sandbox: string;
}

/** A connection as observed (base, source or target), with the fields the engine compares. */
export interface ObservedConnection {
  id: string;
  etag: string;
  name: string;
  state?: string;
  /** When Adobe created it (epoch ms), when it says. */
  createdAt?: number;
  /** Source connections: the base connection they read through. */
  baseConnectionId?: string;
  /** Source connections: Mixpanel `params.projectId` and `params.timezone`. */
  projectId?: string;
  timezone?: string;
  /** Target connections: `params.dataSetId` and `data.schema.id`. */
  datasetId?: string;
  schemaId?: string;
}

/** One mapping row, normalized (ATTRIBUTE or EXPRESSION). */
export interface MappingRow {
  sourceType: 'ATTRIBUTE' | 'EXPRESSION';
  source: string;
  destination: string;
}

/** A mapping set as observed. */
export interface ObservedMappingSet {
  id: string;
  version: number;
  schemaId?: string;
  mappings: MappingRow[];
}

/** A flow's schedule in Adobe's units (startTime in epoch seconds). */
export interface FlowSchedule {
  frequency: string;
  interval?: number;
  startTime?: number;
  /** Observed only: Adobe stores `backfill` (default true) for flows that repeat. */
  backfill?: boolean;
}

/** A flow as observed. */
export interface ObservedFlow {
  id: string;
  etag: string;
  name: string;
  description?: string;
  state: string;
  sourceConnectionIds: string[];
  targetConnectionIds: string[];
  mappingId?: string;
  mappingVersion?: number;
  /** Index of the Mapping transformation (Adobe's own example has a Copy transformation first). */
  mappingIndex?: number;
  schedule: FlowSchedule;
}

/** Kinds of Flow Service connection resources. */
export type ConnectionKind = 'baseConnection' | 'sourceConnection' | 'targetConnection';

/** Body of a base connection create. Password travels only here and in `updateBaseAuth`. */
export interface BaseConnectionInput {
  name: string;
  description: string;
  username: string;
  password: string;
}

/** Body of a source connection create. */
export interface SourceConnectionInput {
  name: string;
  description: string;
  baseConnectionId: string;
  projectId: string;
  timezone: string;
}

/** Body of a target connection create. */
export interface TargetConnectionInput {
  name: string;
  description: string;
  datasetId: string;
  schemaId: string;
}

/** Body of a mapping set create or update. */
export interface MappingSetInput {
  name: string;
  schemaId: string;
  mappings: MappingRow[];
}

/** Body of a flow create. */
export interface FlowInput {
  name: string;
  description: string;
  sourceConnectionId: string;
  targetConnectionId: string;
  mappingId: string;
  mappingVersion: number;
  schedule: FlowSchedule;
}

/** One JSON Patch operation on a flow or connection. */
export interface PatchOp {
  op: 'replace' | 'add' | 'remove';
  path: string;
  value?: unknown;
}

/** Outcome of the explore check of a base connection against a project. `Other`: Mixpanel refused
 * for a reason that is neither the credentials nor the project (Adobe's message says which). */
export type ExploreOutcome =
  { ok: true } | { ok: false; problem: 'Credentials' | 'Project' | 'Other'; message: string };

/** Id and new etag returned by a write. */
export interface Written {
  id: string;
  etag: string;
}

/**
 * A run's outcome, normalised: `inProgress` covers every unfinished state (scheduled, queued, …);
 * `partialSuccess` finished with some records failed (neither a clean success nor a failure).
 */
export type RunOutcome = 'success' | 'partialSuccess' | 'failed' | 'inProgress';

/** One flow run as observed (`GET /runs`), times in epoch milliseconds. */
export interface ObservedRun {
  id: string;
  status: RunOutcome;
  startedAtMs?: number;
  completedAtMs?: number;
  recordsRead?: number;
  recordsWritten?: number;
  recordsFailed?: number;
  /** Adobe's run errors (`metrics.statusSummary.errors`), at most a few. */
  errors: { code?: string; message?: string }[];
}

/** Which runs of a flow to list. */
export interface RunQuery {
  /** Only runs that started after this instant (epoch ms); `inclusive` makes it "at or after". */
  startedAfterMs?: number;
  inclusive?: boolean;
  /** Only runs with this outcome (Adobe's `metrics.statusSummary.status` filter), checked client-side too. */
  status?: 'success' | 'failed';
  /** Stop after this many runs. */
  limit: number;
  /** `newestFirst` (default) or `oldestFirst`, by start time. */
  order?: 'newestFirst' | 'oldestFirst';
}

/** The operations the engine needs from Adobe. */
export interface AdobePort {
  /** GET a connection by id; null when it does not exist. */
  getConnection(kind: ConnectionKind, id: string): Promise<ObservedConnection | null>;
  /**
   * Find a connection by exact name; null when none. A source connection is looked for among
   * those of `baseConnectionId` (Adobe documents no `name` filter for source/target connections).
   */
  findConnectionByName(
    kind: ConnectionKind,
    name: string,
    scope?: { baseConnectionId?: string },
  ): Promise<ObservedConnection | null>;
  /** Every source connection that reads through this base connection. */
  listSourceConnections(baseConnectionId: string): Promise<ObservedConnection[]>;
  /** Create a base connection (Mixpanel spec, Basic Authentication). */
  createBaseConnection(input: BaseConnectionInput): Promise<Written>;
  /** Replace the base connection's auth params (If-Match etag). */
  updateBaseConnectionAuth(id: string, etag: string, username: string, password: string): Promise<Written>;
  /** Check that the base connection can read the project with this timezone. */
  explore(baseConnectionId: string, projectId: string, timezone: string): Promise<ExploreOutcome>;
  /** Create a Mixpanel source connection. */
  createSourceConnection(input: SourceConnectionInput): Promise<Written>;
  /** Create a data lake target connection. */
  createTargetConnection(input: TargetConnectionInput): Promise<Written>;
  /** DELETE a connection; resolves when it is gone (404 counts as gone). */
  deleteConnection(kind: ConnectionKind, id: string): Promise<void>;

  /** GET a mapping set at `version` (always given: Adobe defaults to 0); null when it does not exist. */
  getMappingSet(id: string, version: number): Promise<ObservedMappingSet | null>;
  /** Find a mapping set by exact name; null when none or when lookup by name is unsupported. */
  findMappingSetByName(name: string): Promise<ObservedMappingSet | null>;
  /** Create a mapping set; returns its id and version. */
  createMappingSet(input: MappingSetInput): Promise<{ id: string; version: number }>;
  /** PUT a mapping set; Adobe bumps its version. */
  updateMappingSet(id: string, input: MappingSetInput): Promise<{ id: string; version: number }>;

  /** GET a flow by id; null when it does not exist. */
  getFlow(id: string): Promise<ObservedFlow | null>;
  /** Every flow that reads this source connection (each source is unique to one CR). */
  listFlowsOfSource(sourceConnectionId: string): Promise<ObservedFlow[]>;
  /** Create a flow (Mixpanel → data lake flow spec). */
  createFlow(input: FlowInput): Promise<Written>;
  /** JSON-Patch a flow with If-Match etag. */
  patchFlow(id: string, etag: string, ops: PatchOp[]): Promise<Written>;
  /** Enable or disable a flow. */
  setFlowEnabled(id: string, enabled: boolean): Promise<Written>;
  /** DELETE a flow; 404 counts as gone. */
  deleteFlow(id: string): Promise<void>;

  /** A flow's runs matching `query`, in its order (paging as needed, never past `limit`). */
  listRuns(flowId: string, query: RunQuery): Promise<ObservedRun[]>;
}

/** Opens a port for one set of platform credentials (a new token when they change). */
export type AdobeConnector = (credentials: PlatformCredentials) => AdobePort;
