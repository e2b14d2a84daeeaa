import { describe, expect, it } from '@jest/globals';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { SPEC_DEFAULTS } from '../../controller/api/defaults.js';
import type { SchemaNode } from '../../controller/api/schema-types.js';
import { GENERATED, ROOT, driftedFiles, generatedFiles } from '../../scripts/generate.js';

type Crd = {
  spec: {
    group: string;
    scope: string;
    names: Record<string, unknown>;
    versions: {
      name: string;
      subresources: unknown;
      additionalPrinterColumns: { name: string; priority?: number }[];
      schema: { openAPIV3Schema: SchemaNode };
    }[];
  };
};

async function committedCrd(): Promise<Crd> {
  return parse(await readFile(join(ROOT, GENERATED.crd), 'utf8')) as Crd;
}

/** Every schema node with its path, depth first. */
function nodes(node: SchemaNode, path: string): [string, SchemaNode][] {
  const children = Object.entries(node.properties ?? {}).flatMap(([k, v]) => nodes(v, `${path}.${k}`));
  const items = node.items ? nodes(node.items, `${path}[]`) : [];
  return [[path, node], ...children, ...items];
}

describe('generated files', () => {
  it('the committed CRD and TS types equal what the schema source generates', async () => {
    expect(await driftedFiles()).toEqual([]);
  });

  it('a hand edit to the committed CRD or types is reported as drift', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'api-drift-'));
    for (const [path, content] of Object.entries(await generatedFiles())) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    expect(await driftedFiles(dir)).toEqual([]);
    const crdPath = join(dir, GENERATED.crd);
    await writeFile(crdPath, (await readFile(crdPath, 'utf8')).replace('maxLength: 63', 'maxLength: 64'));
    await cp(join(ROOT, GENERATED.types), join(dir, GENERATED.types));
    const typesPath = join(dir, GENERATED.types);
    await writeFile(
      typesPath,
      (await readFile(typesPath, 'utf8')).replace('sandbox: string;', 'sandbox?: string;'),
    );
    expect((await driftedFiles(dir)).sort()).toEqual([GENERATED.crd, GENERATED.types].sort());
  });
});

describe('the MixpanelDataflow CRD', () => {
  it('names the resource aepflows.io/v1alpha1 MixpanelDataflow, namespaced, with short name and categories', async () => {
    const crd = await committedCrd();
    expect(crd.spec.group).toBe('aepflows.io');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toMatchObject({
      kind: 'MixpanelDataflow',
      plural: 'mixpaneldataflows',
      shortNames: ['mpdf'],
      categories: ['aep', 'dataflows'],
    });
    expect(crd.spec.versions.map((v) => v.name)).toEqual(['v1alpha1']);
    expect(crd.spec.versions[0]?.subresources).toEqual({ status: {} });
  });

  it('shows Ready, Synced, Healthy, Frequency, Flow ID (wide), Last Run and Age columns', async () => {
    const columns = (await committedCrd()).spec.versions[0]?.additionalPrinterColumns ?? [];
    expect(columns.map((c) => c.name)).toEqual([
      'Ready',
      'Synced',
      'Healthy',
      'Frequency',
      'Flow ID',
      'Last Run',
      'Age',
    ]);
    expect(columns.find((c) => c.name === 'Flow ID')?.priority).toBe(1);
  });

  it('describes every field, bounds every string and list, and preserves no unknown fields', async () => {
    const root = (await committedCrd()).spec.versions[0]?.schema.openAPIV3Schema;
    if (!root) throw new Error('no schema');
    const text = JSON.stringify(root);
    expect(text).not.toContain('x-kubernetes-preserve-unknown-fields');
    const all = nodes(root, '').filter(([p]) => p.startsWith('.spec') || p.startsWith('.status'));
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter(([, n]) => !n.description).map(([p]) => p)).toEqual([]);
    expect(all.filter(([, n]) => n.type === 'string' && n.maxLength === undefined).map(([p]) => p)).toEqual(
      [],
    );
    expect(all.filter(([, n]) => n.type === 'array' && n.maxItems === undefined).map(([p]) => p)).toEqual([]);
  });

  it('declares the same defaults as SPEC_DEFAULTS (enabled true, deletionPolicy Delete)', async () => {
    const spec = (await committedCrd()).spec.versions[0]?.schema.openAPIV3Schema.properties?.spec;
    const defaults = Object.fromEntries(
      Object.entries(spec?.properties ?? {})
        .filter(([, n]) => n.default !== undefined)
        .map(([k, n]) => [k, n.default]),
    );
    expect(defaults).toEqual(SPEC_DEFAULTS);
  });
});
