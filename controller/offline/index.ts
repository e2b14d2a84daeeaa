/**
 * What local mode and `plan` share in place of the API server: MixpanelDataflow and Secret
 * manifests read from a folder (validated as the CRD would), the state file that stands in for
 * status, and stable uids derived from namespace/name. No Adobe calls, no Kubernetes.
 */
export {
  DEFAULT_NAMESPACE,
  MANIFEST_FILE,
  MANIFEST_MESSAGES,
  addManifestFile,
  describeProblem,
  emptyManifestSet,
  readManifestDir,
  referencedSecretNames,
  secretsFor,
  type LocalDataflow,
  type ManifestProblem,
  type ManifestSet,
} from './manifests.js';
export {
  LocalState,
  STATE_ERRORS,
  STATE_FILE_VERSION,
  readStateFile,
  type LocalRecord,
  type StateFile,
} from './state.js';
export { LOCAL_UID_SEED, localUid } from './uid.js';
