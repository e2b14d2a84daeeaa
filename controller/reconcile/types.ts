/** The engine's view of a MixpanelDataflow, built on the API's generated types. */
import type {
  Condition,
  Mapping,
  MixpanelDataflowSpec,
  MixpanelDataflowStatus,
  PendingDeletion,
} from '../api/index.js';

export type { Condition };

/** Desired state as written by the user. */
export type DataflowSpec = MixpanelDataflowSpec;

/** One mapping row of the spec. */
export type MappingSpec = Mapping;

/** A resource left over from a replace, waiting to be deleted once the new chain is ready. */
export type RetiredRef = PendingDeletion;

/** Status written by the engine: the API's status type. */
export type DataflowStatus = MixpanelDataflowStatus;

/** What the engine needs to know about the custom resource. */
export interface DataflowObject {
  uid: string;
  namespace: string;
  name: string;
  generation: number;
  annotations?: Record<string, string>;
  /** Kubernetes labels: the engine ignores them; the metrics export the allowlisted ones. */
  labels?: Record<string, string>;
  deletionTimestamp?: string;
  spec: DataflowSpec;
  status?: DataflowStatus;
}
