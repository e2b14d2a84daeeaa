/** The engine's view of a MixpanelDataflow: spec and status shapes it reads and writes. */

/** One mapping row: exactly one of `source` (a field path) or `expression` (Data Prep expression). */
export interface MappingSpec {
  source?: string;
  expression?: string;
  destination: string;
}

/** Schedule of the dataflow; `startTime` is RFC 3339. */
export interface ScheduleSpec {
  frequency: 'once' | 'minute' | 'hour' | 'day' | 'week';
  interval?: number;
  startTime?: string;
}

/** A reference to a Secret in the CR's namespace. */
export interface SecretRef {
  name: string;
}

/** Desired state as written by the user. */
export interface DataflowSpec {
  platform: { sandbox: string; credentialsSecretRef: SecretRef };
  source: { projectId: string; timezone: string; credentialsSecretRef: SecretRef };
  target: { datasetId: string; schemaId: string };
  mappings: MappingSpec[];
  schedule: ScheduleSpec;
  enabled?: boolean;
  deletionPolicy?: 'Delete' | 'Orphan';
  /** Optional display name and description of the Adobe flow. */
  displayName?: string;
  description?: string;
}

/** metav1.Condition shape. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** Id and etag of a Flow Service resource. */
export interface LinkRef {
  id: string;
  etag?: string;
}

/** A resource left over from a replace, waiting to be deleted once the new chain is ready. */
export interface RetiredRef {
  link: 'sourceConnection' | 'targetConnection' | 'flow' | 'baseConnection';
  id: string;
}

/** Hashes of what was last applied; never the values. */
export interface AppliedHashes {
  /** Hash of the Mixpanel username/password last written to the base connection. */
  mixpanelCredentials?: string;
  /** Hash of the platform (IMS) credentials last used successfully. */
  platformCredentials?: string;
  /** Hash of credentials + projectId + timezone that last passed the explore check. */
  explored?: string;
}

/** Status written by the engine. */
export interface DataflowStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  baseConnection?: LinkRef;
  sourceConnection?: LinkRef;
  targetConnection?: LinkRef;
  mappingSet?: { id: string; version: number };
  flow?: LinkRef & { state?: string };
  retired?: RetiredRef[];
  applied?: AppliedHashes;
  /** Fingerprint (generation + Secret hashes) of a terminal failure: do not retry until it changes. */
  terminalFingerprint?: string;
}

/** What the engine needs to know about the custom resource. */
export interface DataflowObject {
  uid: string;
  namespace: string;
  name: string;
  generation: number;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  spec: DataflowSpec;
  status?: DataflowStatus;
}
