/** Names and well-known keys of the MixpanelDataflow API (aepflows.io/v1alpha1). */

/** API group of every resource this controller owns. */
export const GROUP = 'aepflows.io' as const;
/** The one served and stored version. */
export const VERSION = 'v1alpha1' as const;
/** `apiVersion` field value of a MixpanelDataflow. */
export const API_VERSION = `${GROUP}/${VERSION}` as const;
/** Kind of the custom resource. */
export const KIND = 'MixpanelDataflow' as const;
/** Kind of the list type. */
export const LIST_KIND = 'MixpanelDataflowList' as const;
/** Plural resource name used in URLs and RBAC rules. */
export const PLURAL = 'mixpaneldataflows' as const;
/** Singular resource name (`kubectl get mixpaneldataflow`). */
export const SINGULAR = 'mixpaneldataflow' as const;
/** Short names for kubectl. */
export const SHORT_NAMES = ['mpdf'] as const;
/** kubectl categories: `kubectl get aep` lists every MixpanelDataflow. */
export const CATEGORIES = ['aep', 'dataflows'] as const;
/** Name of the CustomResourceDefinition object. */
export const CRD_NAME = `${PLURAL}.${GROUP}` as const;

/** Finalizer that holds deletion until the Adobe chain is deleted (or orphaned). */
export const FINALIZER = 'aepflows.io/finalizer' as const;

/** Annotations users set on a MixpanelDataflow. */
export const ANNOTATIONS = {
  /** `"true"` stops every write to Adobe (creates, patches, deletes, enable/disable); reads go on. */
  paused: 'aepflows.io/paused',
} as const;

/** The only value of {@link ANNOTATIONS.paused} that pauses; anything else means not paused. */
export const PAUSED_VALUE = 'true' as const;

/** Condition types the controller maintains in `status.conditions`. */
export const CONDITION_TYPES = {
  /** The whole chain exists in Adobe and matches the spec. */
  Ready: 'Ready',
  /** The last reconcile applied the current generation without error. */
  Synced: 'Synced',
  /** The flow's recent runs succeed. */
  Healthy: 'Healthy',
} as const;

/** A condition type the controller maintains. */
export type ConditionType = (typeof CONDITION_TYPES)[keyof typeof CONDITION_TYPES];

/** Keys the controller reads from the Secret named by `spec.platform.credentialsSecretRef`. */
export const PLATFORM_SECRET_KEYS = {
  clientId: 'clientId',
  clientSecret: 'clientSecret',
  orgId: 'orgId',
  /** Optional: comma-separated IMS scopes; the controller's default applies when absent. */
  scopes: 'scopes',
} as const;

/** Keys the controller reads from the Secret named by `spec.source.credentialsSecretRef`. */
export const SOURCE_SECRET_KEYS = {
  username: 'username',
  password: 'password',
} as const;

/** Values of `spec.schedule.frequency` (Flow Service scheduleParams.frequency). */
export const FREQUENCIES = ['once', 'minute', 'hour', 'day', 'week'] as const;

/** Smallest interval Flow Service accepts for `frequency: minute` (flow spec scheduleSpec). */
export const MIN_MINUTE_INTERVAL = 15;

/** Values of `spec.deletionPolicy`. */
export const DELETION_POLICIES = ['Delete', 'Orphan'] as const;

/**
 * Most replaced resources `status.pendingDeletions` holds (the schema's maxItems). The engine plans
 * no replacement that would need more, so none is ever dropped from the list (and orphaned).
 */
export const MAX_PENDING_DELETIONS = 16;

/** Most mappings one MixpanelDataflow may hold. */
export const MAX_MAPPINGS = 500;
