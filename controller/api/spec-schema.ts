/**
 * The schema of `spec`: the one source of truth for the CRD, the generated TS types and the
 * local validator. Every field has a description (for `kubectl explain`), every string and list
 * a bound (CEL cost budget), and every cross-field rule a CEL rule with a message a person reads.
 */
import { DELETION_POLICIES, FREQUENCIES, MAX_MAPPINGS, MIN_MINUTE_INTERVAL } from './constants.js';
import { bool, int, list, obj, secretRef, str } from './schema-helpers.js';
import type { SchemaNode } from './schema-types.js';

/** CEL rule messages, exported so tests and the local validator assert the exact text. */
export const RULE_MESSAGES = {
  sandboxImmutable:
    'sandbox is immutable: the connections and flow live in the old sandbox; create a new MixpanelDataflow to move sandboxes',
  mappingNeither: 'set either source (a Mixpanel field path) or expression (a Data Prep calculated field)',
  mappingBoth: 'source and expression are mutually exclusive: set only one of them',
  intervalRequired: 'interval is required unless frequency is once',
  intervalForbiddenOnce: 'interval must not be set when frequency is once',
  backfillForbiddenOnce: 'backfill must not be set when frequency is once',
  minuteInterval: `interval must be at least ${MIN_MINUTE_INTERVAL} when frequency is minute`,
} as const;

/** Text without leading or trailing whitespace (and no line breaks). */
const TRIMMED = '^\\S(.*\\S)?$';

const platform = obj(
  'The Adobe Experience Platform organization and sandbox the dataflow is created in.',
  {
    sandbox: str(
      'Name of the AEP sandbox (all lowercase, e.g. "prod"), sent as the x-sandbox-name header. ' +
        'Immutable: changing it would orphan the whole chain in the old sandbox.',
      63,
      {
        minLength: 1,
        pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$',
        'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: RULE_MESSAGES.sandboxImmutable }],
      },
    ),
    credentialsSecretRef: secretRef(
      'Secret holding the OAuth Server-to-Server credential used to call Adobe.',
      'Keys: clientId, clientSecret, orgId (ending in @AdobeOrg) and optional scopes (comma-separated IMS scopes).',
    ),
  },
  ['sandbox', 'credentialsSecretRef'],
);

const source = obj(
  'The Mixpanel project to ingest from.',
  {
    projectId: str('Mixpanel project ID (digits only), e.g. "2384945".', 20, { pattern: '^[0-9]+$' }),
    timezone: str(
      'Time zone of the Mixpanel project, exactly as configured in Mixpanel, e.g. ' +
        '"Pacific Standard Time". Adobe passes it to Mixpanel; it must equal the project time zone.',
      64,
      { pattern: '^[A-Za-z][A-Za-z0-9 ._/+-]*$' },
    ),
    credentialsSecretRef: secretRef(
      'Secret holding the Mixpanel service account.',
      'Keys: username and password.',
    ),
  },
  ['projectId', 'timezone', 'credentialsSecretRef'],
);

const target = obj(
  'The AEP dataset the events land in (through the data lake target connection).',
  {
    datasetId: str(
      'Catalog ID of the target dataset: 24 lowercase hex characters, e.g. "5ef4551c52e054191a61a99f" ' +
        '(without the "@/dataSets/" prefix Catalog returns on create).',
      24,
      { pattern: '^[0-9a-f]{24}$' },
    ),
    schemaId: str(
      'The $id of the dataset\'s XDM schema, e.g. "https://ns.adobe.com/acme/schemas/995dabbe...". ' +
        'Mappings write to this schema.',
      256,
      { pattern: '^https://ns\\.adobe\\.com/[a-z0-9_]+/schemas/[0-9a-f]+$' },
    ),
  },
  ['datasetId', 'schemaId'],
);

const mapping = obj(
  'One Data Prep mapping: exactly one of source or expression, written to destination.',
  {
    source: str(
      'Mixpanel field path to copy, e.g. "distinct_id" or "properties.$insert_id" ' +
        '(escape a literal dot with a backslash; [0] and [*] index arrays). Mutually exclusive with expression.',
      512,
      { pattern: TRIMMED },
    ),
    expression: str(
      'Data Prep calculated field (expression language), e.g. "lower(event)". Mutually exclusive with source.',
      4096,
      { minLength: 1 },
    ),
    destination: str(
      'XDM path in the target schema, e.g. "_acme.distinct_id"; custom fields sit under "_<tenant>". ' +
        'Unique across mappings.',
      512,
      {
        pattern:
          '^[A-Za-z_@][A-Za-z0-9_:@-]*(\\[([0-9]+|\\*)\\])?(\\.[A-Za-z_@][A-Za-z0-9_:@-]*(\\[([0-9]+|\\*)\\])?)*$',
      },
    ),
  },
  ['destination'],
  [
    { rule: 'has(self.source) || has(self.expression)', message: RULE_MESSAGES.mappingNeither },
    { rule: '!(has(self.source) && has(self.expression))', message: RULE_MESSAGES.mappingBoth },
  ],
);

const schedule = obj(
  'When the flow runs (Flow Service scheduleParams).',
  {
    frequency: str('How often the flow runs: once, minute, hour, day or week.', 6, { enum: FREQUENCIES }),
    interval: int(
      `Number of frequency units between runs. Required unless frequency is once (where it is forbidden); ` +
        `at least ${MIN_MINUTE_INTERVAL} for minute, at least 1 otherwise; at most 100000.`,
      { minimum: 1, maximum: 100000 },
    ),
    startTime: str(
      'When the first run starts, RFC 3339 (e.g. "2026-12-01T00:00:00Z"). Defaults to when the flow is created.',
      64,
      { format: 'date-time' },
    ),
    backfill: bool(
      'Whether the first run also ingests historical data. Adobe defaults to true. Forbidden when frequency is once.',
    ),
  },
  ['frequency'],
  [
    {
      rule: "self.frequency == 'once' || has(self.interval)",
      message: RULE_MESSAGES.intervalRequired,
      fieldPath: '.interval',
      reason: 'FieldValueRequired',
    },
    {
      rule: "self.frequency != 'once' || !has(self.interval)",
      message: RULE_MESSAGES.intervalForbiddenOnce,
      fieldPath: '.interval',
      reason: 'FieldValueForbidden',
    },
    {
      rule: "self.frequency != 'once' || !has(self.backfill)",
      message: RULE_MESSAGES.backfillForbiddenOnce,
      fieldPath: '.backfill',
      reason: 'FieldValueForbidden',
    },
    {
      rule: `self.frequency != 'minute' || !has(self.interval) || self.interval >= ${MIN_MINUTE_INTERVAL}`,
      message: RULE_MESSAGES.minuteInterval,
      fieldPath: '.interval',
    },
  ],
);

/** Schema of `spec`. */
export const specSchema: SchemaNode = obj(
  'Desired state: a Mixpanel project ingested into an AEP dataset on a schedule.',
  {
    displayName: str('Name of the dataflow shown in the AEP UI. Defaults to "<namespace>/<name>".', 128, {
      pattern: TRIMMED,
    }),
    description: str('Description of the dataflow shown in the AEP UI.', 1024),
    platform,
    source,
    target,
    mappings: list(
      'Data Prep mappings from Mixpanel fields to XDM paths (1 to 500), keyed by destination.',
      mapping,
      MAX_MAPPINGS,
      {
        minItems: 1,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['destination'],
      },
    ),
    schedule,
    enabled: bool('Whether the flow runs. false disables the flow in Adobe without deleting anything.', {
      default: true,
    }),
    deletionPolicy: str(
      'What happens in Adobe when this resource is deleted: Delete removes the flow and its connections; ' +
        'Orphan leaves them in place.',
      6,
      { enum: DELETION_POLICIES, default: 'Delete' },
    ),
  },
  ['platform', 'source', 'target', 'mappings', 'schedule'],
);
