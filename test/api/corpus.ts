/**
 * Manifests the MixpanelDataflow API must accept or reject, with the exact field errors the API
 * server returns (`details.causes`). Both the local validator and the real API server run them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { RULE_MESSAGES } from '../../controller/api/spec-schema.js';

/** A manifest as plain JSON. */
export type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- corpus cases poke at arbitrary paths

/** One expected field error. */
export interface Expected {
  field: string;
  message: string;
}

/** A manifest that must be rejected; `old` makes it an update of that stored object. */
export interface InvalidCase {
  name: string;
  manifest: Manifest;
  old?: Manifest;
  expected: Expected[];
}

/** A manifest that must be accepted. */
export interface ValidCase {
  name: string;
  manifest: Manifest;
  old?: Manifest;
}

/** Repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');
/** The examples directory. */
export const EXAMPLES_DIR = join(ROOT, 'examples');

/** Every document in examples/, in apply order, with the file it came from. */
export function exampleDocuments(): { file: string; doc: Manifest }[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(EXAMPLES_DIR, file), 'utf8')).map((d) => ({
        file,
        doc: d.toJS() as Manifest,
      })),
    );
}

/** The example MixpanelDataflows. */
export function exampleDataflows(): Manifest[] {
  return exampleDocuments()
    .map((e) => e.doc)
    .filter((d) => d.kind === 'MixpanelDataflow');
}

/** A fresh copy of a valid manifest (the purchases example) named `name`, to mutate. */
export function base(name = 'corpus'): Manifest {
  const purchases = exampleDataflows().find((d) => d.metadata.name === 'purchases');
  if (!purchases) throw new Error('examples/10-purchases.yaml is missing');
  const copy = structuredClone(purchases);
  copy.metadata = { name };
  return copy;
}

function mutate(fn: (m: Manifest) => void): Manifest {
  const m = base();
  fn(m);
  return m;
}

const mapping = (i: number): Manifest => ({ source: `field_${i}`, destination: `_acme.f${i}` });
const invalid = (field: string, value: string, detail: string): Expected => ({
  field,
  message: `Invalid value: ${value}: ${detail}`,
});
const required = (field: string, detail?: string): Expected => ({
  field,
  message: detail ? `Required value: ${detail}` : 'Required value',
});
const forbidden = (field: string, detail: string): Expected => ({ field, message: `Forbidden: ${detail}` });
const tooLong = (field: string, max: number): Expected => ({
  field,
  message: `Too long: may not be more than ${max} bytes`,
});
const pattern = (field: string, value: string, re: string): Expected =>
  invalid(field, JSON.stringify(value), `${field} in body should match '${re}'`);
const typeError = (field: string, want: string, got: string): Expected =>
  invalid(field, `"${got}"`, `${field} in body must be of type ${want}: "${got}"`);
const unknown = (field: string): Expected => ({ field, message: `unknown field "${field}"` });
const celSkipped: Expected = {
  field: '<nil>',
  message:
    'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

const SANDBOX_RE = '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$';
const DNS_RE = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DEST_RE =
  '^[A-Za-z_@][A-Za-z0-9_:@-]*(\\[([0-9]+|\\*)\\])?(\\.[A-Za-z_@][A-Za-z0-9_:@-]*(\\[([0-9]+|\\*)\\])?)*$';

/** Manifests that must be rejected, each with every error the API server reports. */
export const invalidCases: InvalidCase[] = [
  {
    name: 'spec.platform is missing',
    manifest: mutate((m) => delete m.spec.platform),
    expected: [required('spec.platform'), celSkipped],
  },
  {
    name: 'spec.source.projectId is missing',
    manifest: mutate((m) => delete m.spec.source.projectId),
    expected: [required('spec.source.projectId'), celSkipped],
  },
  {
    name: 'spec.source.timezone is missing',
    manifest: mutate((m) => delete m.spec.source.timezone),
    expected: [required('spec.source.timezone'), celSkipped],
  },
  {
    name: 'spec.target.schemaId is missing',
    manifest: mutate((m) => delete m.spec.target.schemaId),
    expected: [required('spec.target.schemaId'), celSkipped],
  },
  {
    name: 'spec.schedule.frequency is missing',
    manifest: mutate((m) => (m.spec.schedule = { interval: 15 })),
    expected: [required('spec.schedule.frequency'), celSkipped],
  },
  {
    name: 'spec.mappings is missing',
    manifest: mutate((m) => delete m.spec.mappings),
    expected: [required('spec.mappings'), celSkipped],
  },
  {
    name: 'the platform Secret reference has no name',
    manifest: mutate((m) => (m.spec.platform.credentialsSecretRef = {})),
    expected: [required('spec.platform.credentialsSecretRef.name'), celSkipped],
  },
  {
    name: 'spec.mappings is empty',
    manifest: mutate((m) => (m.spec.mappings = [])),
    expected: [invalid('spec.mappings', '0', 'spec.mappings in body should have at least 1 items')],
  },
  {
    name: 'spec.mappings has 501 items',
    manifest: mutate((m) => (m.spec.mappings = Array.from({ length: 501 }, (_, i) => mapping(i)))),
    expected: [{ field: 'spec.mappings', message: 'Too many: 501: must have at most 500 items' }, celSkipped],
  },
  {
    name: 'a mapping has neither source nor expression',
    manifest: mutate((m) => m.spec.mappings.push({ destination: '_acme.orphan' })),
    expected: [invalid('spec.mappings[7]', '"object"', RULE_MESSAGES.mappingNeither)],
  },
  {
    name: 'a mapping has both source and expression',
    manifest: mutate((m) =>
      m.spec.mappings.push({ source: 'a', expression: 'lower(a)', destination: '_acme.both' }),
    ),
    expected: [invalid('spec.mappings[7]', '"object"', RULE_MESSAGES.mappingBoth)],
  },
  {
    name: 'two mappings write the same destination',
    manifest: mutate((m) => m.spec.mappings.push({ source: 'other', destination: '_simtenant.distinct_id' })),
    expected: [
      { field: 'spec.mappings[7]', message: 'Duplicate value: {"destination":"_simtenant.distinct_id"}' },
    ],
  },
  {
    name: 'a mapping destination is not an XDM path',
    manifest: mutate((m) => (m.spec.mappings[1].destination = '_acme.distinct id')),
    expected: [pattern('spec.mappings[1].destination', '_acme.distinct id', DEST_RE)],
  },
  {
    name: 'a mapping source has surrounding whitespace',
    manifest: mutate((m) => (m.spec.mappings[1].source = ' distinct_id')),
    expected: [pattern('spec.mappings[1].source', ' distinct_id', '^\\S(.*\\S)?$')],
  },
  {
    name: 'a mapping expression is empty',
    manifest: mutate((m) => (m.spec.mappings[2].expression = '')),
    expected: [
      invalid(
        'spec.mappings[2].expression',
        '""',
        'spec.mappings[2].expression in body should be at least 1 chars long',
      ),
    ],
  },
  {
    name: 'a mapping expression is longer than 4096 characters',
    manifest: mutate((m) => (m.spec.mappings[2].expression = `lower(${'x'.repeat(4100)})`)),
    expected: [tooLong('spec.mappings[2].expression', 4096), celSkipped],
  },
  {
    name: 'the sandbox name has upper case',
    manifest: mutate((m) => (m.spec.platform.sandbox = 'Prod')),
    expected: [pattern('spec.platform.sandbox', 'Prod', SANDBOX_RE)],
  },
  {
    name: 'the sandbox name is longer than 63 characters',
    manifest: mutate((m) => (m.spec.platform.sandbox = 's'.repeat(64))),
    expected: [tooLong('spec.platform.sandbox', 63), celSkipped],
  },
  {
    name: 'the Mixpanel project ID has letters',
    manifest: mutate((m) => (m.spec.source.projectId = 'proj-1')),
    expected: [pattern('spec.source.projectId', 'proj-1', '^[0-9]+$')],
  },
  {
    name: 'the Mixpanel project ID is a number, not a string',
    manifest: mutate((m) => (m.spec.source.projectId = 2384945)),
    expected: [typeError('spec.source.projectId', 'string', 'integer'), celSkipped],
  },
  {
    name: 'the Mixpanel project ID is longer than 20 digits',
    manifest: mutate((m) => (m.spec.source.projectId = '1'.repeat(21))),
    expected: [tooLong('spec.source.projectId', 20), celSkipped],
  },
  {
    name: 'the dataset ID carries the Catalog "@/dataSets/" prefix',
    manifest: mutate((m) => (m.spec.target.datasetId = '@/dataSets/5ef4551c52e054191a61a99f')),
    expected: [tooLong('spec.target.datasetId', 24), celSkipped],
  },
  {
    name: 'the dataset ID is upper-case hex',
    manifest: mutate((m) => (m.spec.target.datasetId = '5EF4551C52E054191A61A99F')),
    expected: [pattern('spec.target.datasetId', '5EF4551C52E054191A61A99F', '^[0-9a-f]{24}$')],
  },
  {
    name: 'a Secret reference names another namespace',
    manifest: mutate((m) => (m.spec.platform.credentialsSecretRef.namespace = 'aep-system')),
    expected: [unknown('spec.platform.credentialsSecretRef.namespace')],
  },
  {
    name: 'a field is misspelled',
    manifest: mutate((m) => {
      m.spec.schedule.intervall = 15;
      m.spec.deletionpolicy = 'Orphan';
    }),
    expected: [unknown('spec.schedule.intervall'), unknown('spec.deletionpolicy')],
  },
  {
    name: 'the schema ID is not an XDM schema $id',
    manifest: mutate((m) => (m.spec.target.schemaId = 'https://example.com/acme/schemas/995dabbe')),
    expected: [
      pattern(
        'spec.target.schemaId',
        'https://example.com/acme/schemas/995dabbe',
        '^https://ns\\.adobe\\.com/[a-z0-9_]+/schemas/[0-9a-f]+$',
      ),
    ],
  },
  {
    name: 'a Secret name is not a DNS subdomain',
    manifest: mutate((m) => (m.spec.source.credentialsSecretRef.name = 'Mixpanel_Creds')),
    expected: [pattern('spec.source.credentialsSecretRef.name', 'Mixpanel_Creds', DNS_RE)],
  },
  {
    name: 'the frequency is not one Flow Service knows',
    manifest: mutate((m) => (m.spec.schedule.frequency = 'daily')),
    expected: [
      {
        field: 'spec.schedule.frequency',
        message: 'Unsupported value: "daily": supported values: "once", "minute", "hour", "day", "week"',
      },
      celSkipped,
    ],
  },
  {
    name: 'a minute schedule runs more often than every 15 minutes',
    manifest: mutate((m) => (m.spec.schedule.interval = 5)),
    expected: [invalid('spec.schedule.interval', '"object"', RULE_MESSAGES.minuteInterval)],
  },
  {
    name: 'an hourly schedule has no interval',
    manifest: mutate((m) => (m.spec.schedule = { frequency: 'hour' })),
    expected: [required('spec.schedule.interval', RULE_MESSAGES.intervalRequired)],
  },
  {
    name: 'a once schedule has an interval',
    manifest: mutate((m) => (m.spec.schedule = { frequency: 'once', interval: 1 })),
    expected: [forbidden('spec.schedule.interval', RULE_MESSAGES.intervalForbiddenOnce)],
  },
  {
    name: 'a once schedule has backfill',
    manifest: mutate((m) => (m.spec.schedule = { frequency: 'once', backfill: true })),
    expected: [forbidden('spec.schedule.backfill', RULE_MESSAGES.backfillForbiddenOnce)],
  },
  {
    name: 'a daily schedule has interval 0',
    manifest: mutate((m) => (m.spec.schedule = { frequency: 'day', interval: 0 })),
    expected: [
      invalid(
        'spec.schedule.interval',
        '0',
        'spec.schedule.interval in body should be greater than or equal to 1',
      ),
    ],
  },
  {
    name: 'the interval is above 100000',
    manifest: mutate((m) => (m.spec.schedule = { frequency: 'week', interval: 100001 })),
    expected: [
      invalid(
        'spec.schedule.interval',
        '100001',
        'spec.schedule.interval in body should be less than or equal to 100000',
      ),
    ],
  },
  {
    name: 'the interval is a string',
    manifest: mutate((m) => (m.spec.schedule.interval = '15')),
    expected: [typeError('spec.schedule.interval', 'integer', 'string'), celSkipped],
  },
  {
    name: 'the start time is not RFC 3339',
    manifest: mutate((m) => (m.spec.schedule.startTime = '2026-12-01 00:00')),
    expected: [
      invalid(
        'spec.schedule.startTime',
        '"2026-12-01 00:00"',
        'spec.schedule.startTime in body must be of type date-time: "2026-12-01 00:00"',
      ),
      celSkipped,
    ],
  },
  {
    name: 'enabled is a string',
    manifest: mutate((m) => (m.spec.enabled = 'yes')),
    expected: [typeError('spec.enabled', 'boolean', 'string'), celSkipped],
  },
  {
    name: 'the deletion policy is not Delete or Orphan',
    manifest: mutate((m) => (m.spec.deletionPolicy = 'Retain')),
    expected: [
      {
        field: 'spec.deletionPolicy',
        message: 'Unsupported value: "Retain": supported values: "Delete", "Orphan"',
      },
      celSkipped,
    ],
  },
  {
    name: 'the display name is longer than 128 characters',
    manifest: mutate((m) => (m.spec.displayName = 'd'.repeat(129))),
    expected: [tooLong('spec.displayName', 128), celSkipped],
  },
  {
    name: 'the description is longer than 1024 characters',
    manifest: mutate((m) => (m.spec.description = 'd'.repeat(1025))),
    expected: [tooLong('spec.description', 1024), celSkipped],
  },
  {
    name: 'mappings is an object, not a list',
    manifest: mutate((m) => (m.spec.mappings = { source: 'a', destination: 'b' })),
    // Strict field validation (kubectl's default) fails first: the object's keys are unknown fields.
    expected: [unknown('spec.mappings.source'), unknown('spec.mappings.destination')],
  },
  {
    name: 'the sandbox changes on update',
    old: base(),
    manifest: mutate((m) => (m.spec.platform.sandbox = 'dev')),
    expected: [invalid('spec.platform.sandbox', '"string"', RULE_MESSAGES.sandboxImmutable)],
  },
];

/** Manifests at the edges of the rules that must still be accepted. */
export const validCases: ValidCase[] = [
  { name: 'a minute schedule at exactly 15', manifest: mutate((m) => (m.spec.schedule.interval = 15)) },
  {
    name: 'an hourly schedule with interval 1 and backfill false',
    manifest: mutate((m) => (m.spec.schedule = { frequency: 'hour', interval: 1, backfill: false })),
  },
  {
    name: 'a once schedule without interval',
    manifest: mutate((m) => (m.spec.schedule = { frequency: 'once' })),
  },
  {
    name: 'exactly 500 mappings',
    manifest: mutate((m) => (m.spec.mappings = Array.from({ length: 500 }, (_, i) => mapping(i)))),
  },
  {
    name: 'array-indexed destinations and escaped source paths',
    manifest: mutate((m) =>
      m.spec.mappings.push(
        { source: 'properties.$insert_id', destination: 'productListItems[0].SKU' },
        { source: 'properties.a\\.b', destination: '_acme.tags[*]' },
      ),
    ),
  },
  {
    name: 'a multi-line expression',
    manifest: mutate(
      (m) => (m.spec.mappings[2].expression = 'iif(event_name == "Purchase",\n  "buy", "other")'),
    ),
  },
  {
    name: 'an IANA time zone and a start time with an offset',
    manifest: mutate((m) => {
      m.spec.source.timezone = 'America/Los_Angeles';
      m.spec.schedule.startTime = '2026-12-01T09:30:00.5+01:00';
    }),
  },
  {
    name: 'an update that changes everything but the sandbox',
    old: base(),
    manifest: mutate((m) => {
      m.spec.source.projectId = '99';
      m.spec.target.datasetId = 'aaaaaaaaaaaaaaaaaaaaaaaa';
      m.spec.schedule = { frequency: 'week', interval: 2 };
      m.spec.deletionPolicy = 'Orphan';
    }),
  },
];
