/**
 * fast-check generators of MixpanelDataflow manifests near the admission boundary: every field
 * drawn from values that are valid or, now and then, invalid by pattern or range, of the wrong type,
 * or absent, plus CEL cases (interval and once, minute intervals, source and expression together,
 * duplicate destinations) and unknown fields. Roughly a third of what they make is admissible.
 */
import fc from 'fast-check';
import { API_VERSION, KIND } from '../../controller/api/constants.js';

/** Mostly `good`, sometimes `bad` (about one time in `1 + odds`). */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>, odds = 12) =>
  fc.oneof({ weight: odds, arbitrary: good }, { weight: 1, arbitrary: bad } as {
    weight: number;
    arbitrary: fc.Arbitrary<T | U>;
  });
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

const row = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      source: fc.constantFrom('distinct_id', 'properties.$insert_id', 'time'),
      destination: fc.constantFrom('_acme.a', '_acme.b', 'timestamp', '_id', '_acme.list[0]'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      expression: fc.constantFrom('lower(event)', 'concat(a, b)'),
      destination: fc.constantFrom('_acme.c', '_acme.d'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { source: 'a', expression: 'lower(a)', destination: '_acme.e' },
      { destination: '_acme.f' },
      { source: ' padded', destination: '_acme.g' },
      { source: 'a', destination: '1bad' },
      { expression: '', destination: '_acme.h' },
    ),
  },
);

const schedule = fc.oneof(
  { weight: 3, arbitrary: fc.record({ frequency: fc.constant('once') }) },
  {
    weight: 3,
    arbitrary: fc.record({ frequency: fc.constant('minute'), interval: fc.constantFrom(15, 30, 45, 100000) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      frequency: fc.constantFrom('hour', 'day', 'week'),
      interval: fc.integer({ min: 1, max: 48 }),
      backfill: opt(fc.boolean()),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({ frequency: fc.constant('once'), interval: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ frequency: fc.constant('once'), backfill: fc.boolean() }),
      fc.record({ frequency: fc.constant('minute'), interval: fc.integer({ min: -1, max: 14 }) }),
      fc.record({ frequency: fc.constantFrom('hour', 'day') }),
      fc.record({ frequency: fc.constant('monthly'), interval: fc.constant(1) }),
      fc.record({ frequency: fc.constant('day'), interval: fc.constant(100001) }),
    ),
  },
);

/** A spec: each field valid, invalid, of the wrong type or missing. */
export const specArb = fc.record(
  {
    platform: fc.record({
      sandbox: mostly(fc.constant('prod'), fc.constantFrom('Prod', '-bad', 'a'.repeat(70), '')),
      credentialsSecretRef: mostly(
        fc.constant({ name: 'aep-credentials' }),
        fc.constantFrom({ name: '' }, {}, { name: 'x', namespace: 'other' }),
      ),
    }),
    source: fc.record({
      projectId: mostly(
        fc.stringMatching(/^[0-9]{1,12}$/),
        fc.oneof(fc.constantFrom('abc', '', ' 12', '1'.repeat(21)), fc.integer({ min: 1, max: 99 })),
      ),
      timezone: mostly(
        fc.constantFrom('UTC', 'Pacific Standard Time', 'America/New_York'),
        fc.constantFrom('1bad', ''),
      ),
      credentialsSecretRef: fc.constant({ name: 'mixpanel-sa' }),
    }),
    target: fc.record({
      datasetId: mostly(
        fc.stringMatching(/^[0-9a-f]{24}$/),
        fc.constantFrom('XYZ', '5EF4551C52E054191A61A99F', ''),
      ),
      schemaId: mostly(
        fc.constant('https://ns.adobe.com/acme/schemas/995dabbea86d58e346ff91bd8aa741a9f36f29b1'),
        fc.constantFrom('https://ns.adobe.com/acme/schemas/', 'http://ns.adobe.com/acme/schemas/ab'),
      ),
    }),
    mappings: mostly(
      fc.uniqueArray(row, { minLength: 1, maxLength: 4, selector: (r) => r.destination }),
      // Empty, or two rows writing one destination (a list-map key collision).
      fc.constantFrom(
        [],
        [
          { source: 'a', destination: '_acme.a' },
          { source: 'b', destination: '_acme.a' },
        ],
      ),
      12,
    ),
    schedule: fc
      .tuple(
        schedule,
        opt(
          mostly(
            fc.constantFrom('2026-12-01T00:00:00Z', '2026-12-01T00:00:00+02:00'),
            fc.constantFrom('yesterday', '2026-13-01T00:00:00Z'),
            6,
          ),
        ),
      )
      .map(([s, startTime]) => (startTime === undefined ? s : { ...s, startTime })),
    enabled: opt(mostly(fc.boolean(), fc.constant('yes'))),
    deletionPolicy: opt(mostly(fc.constantFrom('Delete', 'Orphan'), fc.constant('Keep'))),
    displayName: fc.option(mostly(fc.constant('Purchases'), fc.constantFrom(' padded', 'x'.repeat(129)), 3), {
      nil: undefined,
      freq: 4,
    }),
    unknownField: mostly(fc.constant(undefined), fc.constant('surprise'), 20),
  },
  { requiredKeys: ['platform', 'source', 'target', 'mappings', 'schedule'] },
);

/** A whole manifest (name filled in by the caller). */
export const manifestArb = specArb.map((spec) => {
  const clean = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
  return { apiVersion: API_VERSION, kind: KIND, metadata: { name: 'fuzz' }, spec: clean };
});
