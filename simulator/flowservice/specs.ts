/** The connection and flow specs the Mixpanel → data lake chain uses (ids from the Mixpanel tutorial and
 * EN update-flow-specs.md). Adobe does not publish Mixpanel's spec JSON; these bodies follow the
 * Sources SDK examples and list only what the simulator enforces. */

/** Spec ids. */
export const SPEC_IDS = {
  MIXPANEL_SOURCE: 'fd2c8ff3-1de0-4f6b-8fa8-4264784870eb',
  DATA_LAKE_TARGET: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c',
  REST_TO_AEP_FLOW: '6499120c-0b15-42dc-936e-847ea3c24d72',
} as const;

const PROVIDER_ID = '0ed90a81-07f4-4586-8190-b40eccef1c5a';

/** Auth spec name and the params a Mixpanel base connection needs; `secret` params are masked on GET. */
export const MIXPANEL_AUTH = {
  specName: 'Basic Authentication',
  required: ['username', 'password'],
  secret: ['password'],
  /** `host` was required by an earlier tutorial revision and is still accepted. */
  optional: ['host'],
} as const;

/** Source params a Mixpanel source connection needs (both documented as required). */
export const MIXPANEL_SOURCE_PARAMS = ['projectId', 'timezone'] as const;

/** Connection specs served by GET /connectionSpecs/{id}. */
export const CONNECTION_SPECS: Record<string, Record<string, unknown>> = {
  [SPEC_IDS.MIXPANEL_SOURCE]: {
    id: SPEC_IDS.MIXPANEL_SOURCE,
    name: 'mixpanel',
    providerId: PROVIDER_ID,
    version: '1.0',
    authSpec: [
      {
        name: MIXPANEL_AUTH.specName,
        type: 'BasicAuthentication',
        spec: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          description: 'Mixpanel service account',
          properties: {
            host: { type: 'string', description: 'Mixpanel raw export API host' },
            username: { type: 'string', description: 'Service account username' },
            password: { type: 'string', format: 'password', description: 'Service account secret' },
          },
          required: [...MIXPANEL_AUTH.required],
        },
      },
    ],
    sourceSpec: {
      attributes: { uiAttributes: { isSource: true, isPreview: false, category: 'analytics' } },
      spec: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: {
          projectId: { type: 'string', description: 'Mixpanel project id' },
          timezone: { type: 'string', description: 'Mixpanel project timezone' },
        },
        required: [...MIXPANEL_SOURCE_PARAMS],
      },
    },
    exploreSpec: { name: 'Resource', type: 'Resource', requestSpec: {}, responseSpec: {} },
    attributes: { category: 'analytics', isSource: true },
    permissionsInfo: { view: [{ '@type': 'lowLevel', name: 'EnterpriseSource', permissions: ['read'] }] },
  },
  [SPEC_IDS.DATA_LAKE_TARGET]: {
    id: SPEC_IDS.DATA_LAKE_TARGET,
    name: 'Data Lake',
    providerId: 'a6bd0b6e-4ad0-4dd5-8e0e-9cc8eb2d0b5c',
    version: '1.0',
    authSpec: [],
    targetSpec: {
      attributes: { isDestination: true },
      spec: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { dataSetId: { type: 'string' } },
        required: ['dataSetId'],
      },
    },
    attributes: { category: 'datalake', isDestination: true },
  },
};

/** Flow specs served by GET /flowSpecs/{id}. */
export const FLOW_SPECS: Record<string, Record<string, unknown>> = {
  [SPEC_IDS.REST_TO_AEP_FLOW]: {
    id: SPEC_IDS.REST_TO_AEP_FLOW,
    name: 'RestStorageToAEP',
    providerId: PROVIDER_ID,
    version: '1.0',
    sourceConnectionSpecIds: [SPEC_IDS.MIXPANEL_SOURCE],
    targetConnectionSpecIds: [SPEC_IDS.DATA_LAKE_TARGET],
    transformationSpecs: [
      {
        name: 'Mapping',
        spec: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          properties: { mappingId: { type: 'string' }, mappingVersion: { type: 'string' } },
          required: ['mappingId', 'mappingVersion'],
        },
      },
    ],
    scheduleSpec: {
      name: 'PeriodicSchedule',
      type: 'Periodic',
      spec: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: {
          startTime: { type: 'integer', description: 'epoch time' },
          frequency: { type: 'string', enum: ['once', 'minute', 'hour', 'day', 'week'] },
          interval: { type: 'integer' },
          backfill: { type: 'boolean', default: true },
        },
        required: ['startTime', 'frequency'],
        if: { properties: { frequency: { const: 'once' } } },
        then: { allOf: [{ not: { required: ['interval'] } }, { not: { required: ['backfill'] } }] },
        else: {
          required: ['interval'],
          if: { properties: { frequency: { const: 'minute' } } },
          then: { properties: { interval: { minimum: 15 } } },
          else: { properties: { interval: { minimum: 1 } } },
        },
      },
    },
    optionSpec: {
      name: 'OptionSpec',
      spec: {
        type: 'object',
        properties: {
          errorDiagnosticsEnabled: { type: 'boolean', default: false },
          partialIngestionPercent: { type: 'number', exclusiveMinimum: 0 },
        },
      },
    },
    attributes: { isSourceFlow: true },
  },
};
