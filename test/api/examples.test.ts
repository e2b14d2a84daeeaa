import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM_SECRET_KEYS, SOURCE_SECRET_KEYS } from '../../controller/api/constants.js';
import { EXAMPLES_DIR, type Manifest, exampleDataflows, exampleDocuments } from './corpus.js';

interface Fixtures {
  schemas: { sandbox: string; $id: string }[];
  datasets: { sandbox: string; id: string; schemaId: string }[];
}

const fixtures = JSON.parse(
  readFileSync(join(EXAMPLES_DIR, 'simulator', 'fixtures.json'), 'utf8'),
) as Fixtures;
const docs = exampleDocuments().map((e) => e.doc);
const secret = (namespace: string, name: string): Manifest | undefined =>
  docs.find((d) => d.kind === 'Secret' && d.metadata.namespace === namespace && d.metadata.name === name);

describe('the example manifests', () => {
  it('create their namespace first, then Secrets, then at least three MixpanelDataflows', () => {
    expect(docs[0]?.kind).toBe('Namespace');
    const kinds = docs.map((d) => d.kind as string);
    expect(kinds.lastIndexOf('Secret')).toBeLessThan(kinds.indexOf('MixpanelDataflow'));
    expect(exampleDataflows().length).toBeGreaterThanOrEqual(3);
    for (const d of docs.slice(1)) expect(d.metadata.namespace).toBe(docs[0]?.metadata.name);
  });

  it('cover every frequency kind the rules treat differently and an expression mapping', () => {
    const frequencies = new Set(exampleDataflows().map((d) => d.spec.schedule.frequency));
    for (const f of ['minute', 'hour', 'day', 'once']) expect(frequencies).toContain(f);
    const mappings = exampleDataflows().flatMap((d) => d.spec.mappings as Manifest[]);
    expect(mappings.some((m) => m.expression !== undefined)).toBe(true);
  });

  it('reference Secrets in the same namespace that hold every key the controller reads', () => {
    for (const d of exampleDataflows()) {
      const platform = secret(d.metadata.namespace, d.spec.platform.credentialsSecretRef.name);
      const source = secret(d.metadata.namespace, d.spec.source.credentialsSecretRef.name);
      expect(Object.keys(platform?.stringData ?? {})).toEqual(
        expect.arrayContaining(Object.values(PLATFORM_SECRET_KEYS)),
      );
      expect(Object.keys(source?.stringData ?? {})).toEqual(
        expect.arrayContaining(Object.values(SOURCE_SECRET_KEYS)),
      );
    }
  });

  it("carry the simulator's default credentials (simulator/index.ts SIMULATOR_DEFAULTS)", () => {
    expect(secret('analytics', 'aep-credentials')?.stringData).toMatchObject({
      clientId: 'sim-client-id',
      clientSecret: 'sim-client-secret',
      orgId: 'SIMORG00000000000000000@AdobeOrg',
    });
  });

  it('point at datasets and schemas listed in simulator/fixtures.json, in the same sandbox, that agree', () => {
    for (const d of exampleDataflows()) {
      const { sandbox } = d.spec.platform;
      const dataset = fixtures.datasets.find(
        (x) => x.id === d.spec.target.datasetId && x.sandbox === sandbox,
      );
      expect(dataset?.schemaId).toBe(d.spec.target.schemaId);
      expect(fixtures.schemas).toContainEqual(
        expect.objectContaining({ $id: d.spec.target.schemaId, sandbox }),
      );
    }
  });
});
