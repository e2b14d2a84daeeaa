/**
 * The schema of `status`, written only by the controller through the status subresource. Every
 * string and list is bounded; credentials appear only as hashes, never as values.
 */
import { MAX_PENDING_DELETIONS } from './constants.js';
import { int, list, obj, str } from './schema-helpers.js';
import type { SchemaNode } from './schema-types.js';

const RESOURCE_ID = { minLength: 1, pattern: '^[A-Za-z0-9_-]+$' };
const HASH = { pattern: '^sha256:[0-9a-f]{64}$' };
const COUNT = { format: 'int64', minimum: 0 } as const;

function link(what: string, extra: Record<string, SchemaNode> = {}, required: string[] = ['id']): SchemaNode {
  return obj(
    `The ${what} in Flow Service, as last created or observed.`,
    {
      id: str(`Flow Service ID of the ${what}.`, 64, RESOURCE_ID),
      etag: str(`ETag of the ${what} (with its literal quotes), sent as If-Match on updates.`, 128),
      ...extra,
    },
    required,
  );
}

/** metav1.Condition, with the bounds Kubernetes' own types declare. */
const condition = obj(
  'A condition in the metav1.Condition shape.',
  {
    type: str('Type of the condition: Ready, Synced or Healthy.', 316, {
      minLength: 1,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: str('Status of the condition: True, False or Unknown.', 7, {
      enum: ['True', 'False', 'Unknown'],
    }),
    observedGeneration: int('The metadata.generation the condition was computed from.', COUNT),
    lastTransitionTime: str('When the status last changed.', 64, { format: 'date-time' }),
    reason: str('Machine-readable CamelCase reason for the last transition.', 1024, {
      minLength: 1,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: str('Human-readable details of the last transition.', 32768),
  },
  ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
);

const lastRun = obj(
  'The most recent run of the flow, from Flow Service run monitoring.',
  {
    id: str('Flow Service ID of the run.', 64, RESOURCE_ID),
    status: str('Status of the run as Flow Service reports it, e.g. success, failed, inProgress.', 64),
    startedAt: str('When the run started.', 64, { format: 'date-time' }),
    completedAt: str('When the run completed; absent while it is in progress.', 64, { format: 'date-time' }),
    recordsRead: int('Records read from Mixpanel.', COUNT),
    recordsWritten: int('Records written to the dataset.', COUNT),
    recordsFailed: int('Records that failed ingestion.', COUNT),
  },
  ['id'],
);

const pendingDeletion = obj(
  'A Flow Service resource the controller replaced and still has to delete.',
  {
    kind: str('What the resource is.', 32, {
      enum: ['flow', 'sourceConnection', 'targetConnection', 'baseConnection'],
    }),
    id: str('Flow Service ID of the resource.', 64, RESOURCE_ID),
  },
  ['kind', 'id'],
);

/** Schema of `status`. */
export const statusSchema: SchemaNode = obj('Observed state, written by the controller.', {
  observedGeneration: int('The metadata.generation the controller last acted on.', COUNT),
  conditions: list('Ready, Synced and Healthy conditions.', condition, 8, {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  }),
  baseConnection: link('base connection (Mixpanel credentials)'),
  sourceConnection: link('source connection (projectId, timezone)'),
  targetConnection: link('target connection (dataset, schema)'),
  mappingSet: obj(
    'The Data Prep mapping set.',
    {
      id: str('Data Prep ID of the mapping set.', 64, RESOURCE_ID),
      version: int('Version of the mapping set the flow uses (Adobe bumps it on every update).', COUNT),
    },
    ['id'],
  ),
  flow: link('dataflow', {
    state: str('State of the flow in Flow Service, e.g. enabled or disabled.', 32),
  }),
  lastRun,
  appliedPlatformCredentialsHash: str(
    'Hash of the platform credentials Secret content last used successfully (never the values).',
    71,
    HASH,
  ),
  appliedSourceCredentialsHash: str(
    'Hash of the Mixpanel credentials last written to the base connection (never the values).',
    71,
    HASH,
  ),
  orgIdHash: str(
    'Hash of the IMS org the chain was created in; a different org in the Secret would orphan the chain.',
    71,
    HASH,
  ),
  terminalFingerprint: str(
    'Fingerprint of the generation and Secret contents that last failed with a terminal Adobe error; the controller does not call Adobe again until it changes.',
    16,
    { pattern: '^[0-9a-f]{16}$' },
  ),
  pendingDeletions: list(
    'Resources replaced after a spec change (e.g. a new source connection) and not yet deleted from Adobe.',
    pendingDeletion,
    MAX_PENDING_DELETIONS,
  ),
  settlingSince: str(
    'While Adobe is still settling (a flow moving between states, replaced resources it will not delete yet): when that began. The controller looks again after as long as it has lasted (1 s to 5 min).',
    64,
    { format: 'date-time' },
  ),
  lastSyncedAt: str('When the controller last confirmed the chain matches the spec.', 64, {
    format: 'date-time',
  }),
});
