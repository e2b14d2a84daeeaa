import { beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { CRD_NAME } from '../../controller/api/constants.js';
import { applyDefaults } from '../../controller/api/defaults.js';
import { validateMixpanelDataflow } from '../../controller/api/validate.js';
import { createTestNamespace, kubectl, testKubeConfig } from '../cluster/test-cluster.js';
import { type Manifest, base, exampleDocuments, invalidCases, validCases } from './corpus.js';
import { CRD_FILE, applyCrd, createDataflow, getDataflow, replaceDataflow } from './kube.js';

const key = (e: { field: string; message: string }): string => `${e.field} | ${e.message}`;
const keys = (errors: { field: string; message: string }[]): string[] => errors.map(key).sort();

let kc: KubeConfig;
let ns: string;
let counter = 0;

/** The manifest under a fresh name, so cases never collide. */
function named(m: Manifest): Manifest {
  const copy = structuredClone(m);
  copy.metadata = { name: `case-${++counter}` };
  return copy;
}

/** Creates `old`, then replaces it with `manifest` (same name); or just creates `manifest`. */
async function write(manifest: Manifest, old?: Manifest) {
  const body = named(manifest);
  if (!old) return createDataflow(kc, ns, body);
  const stored = await createDataflow(kc, ns, { ...structuredClone(old), metadata: body.metadata });
  if (!stored.ok) throw new Error(`could not create the old object: ${stored.message}`);
  body.metadata.resourceVersion = stored.object.metadata.resourceVersion;
  return replaceDataflow(kc, ns, body);
}

function withStatus(m: Manifest): Manifest {
  return {
    ...m,
    status: {
      observedGeneration: 1,
      conditions: ['Ready', 'Synced', 'Healthy'].map((type) => ({
        type,
        status: 'True',
        observedGeneration: 1,
        lastTransitionTime: '2026-11-29T03:00:00Z',
        reason: 'Available',
        message: 'ok',
      })),
      flow: {
        id: 'f1e2d3c4-0000-4000-8000-000000000001',
        etag: '"6802064a-0000-0200-0000-6387c6b90000"',
        state: 'enabled',
      },
      lastRun: { id: 'run-1', status: 'success', recordsRead: 10, recordsWritten: 9, recordsFailed: 1 },
    },
  };
}

beforeAll(async () => {
  kc = testKubeConfig();
  ns = await createTestNamespace('api');
  await applyCrd(kc, ns);
}, 120_000);

describe('the CRD on a real kube-apiserver', () => {
  it('is accepted as structural with every CEL rule within the cost budget, and established', async () => {
    const got = await kubectl(['get', 'crd', CRD_NAME, '-o', 'json']);
    expect(got.code).toBe(0);
    const conditions = (
      JSON.parse(got.stdout) as { status: { conditions: { type: string; status: string }[] } }
    ).status.conditions;
    expect(conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));
    expect(conditions.filter((c) => c.type === 'NonStructuralSchema' && c.status === 'True')).toEqual([]);
    // Re-applying the same file is a no-op that the API server accepts (CEL cost is checked again).
    expect((await kubectl(['apply', '--server-side', '--force-conflicts', '-f', CRD_FILE])).code).toBe(0);
  });

  it('accepts every example manifest with kubectl apply --server-side', async () => {
    const docs: Manifest[] = exampleDocuments()
      .map((e) => e.doc)
      .filter((d) => d.kind !== 'Namespace')
      .map((d) => ({ ...d, metadata: { ...d.metadata, namespace: ns } }));
    expect(docs.filter((d) => d.kind === 'MixpanelDataflow').length).toBeGreaterThanOrEqual(3);
    const applied = await kubectl(['apply', '--server-side', '-f', '-'], {
      input: docs.map((d) => stringify(d)).join('---\n'),
    });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    for (const d of docs) expect(applied.stdout).toContain(`${d.metadata.name} serverside-applied`);
  });

  it.each(invalidCases)(
    'rejects a manifest where $name, with the same errors as the local validator',
    async (c) => {
      const result = await write(c.manifest, c.old);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(keys(result.causes)).toEqual(keys(c.expected));
      expect(keys(validateMixpanelDataflow(c.manifest, { oldObject: c.old }))).toEqual(keys(result.causes));
    },
  );

  it.each(validCases)('accepts $name, as the local validator does', async (c) => {
    const result = await write(c.manifest, c.old);
    expect(result.ok ? [] : result.causes).toEqual([]);
    expect(validateMixpanelDataflow(c.manifest, { oldObject: c.old })).toEqual([]);
  });

  it('fills enabled and deletionPolicy exactly as applyDefaults does', async () => {
    const m = named(base());
    delete m.spec.enabled;
    delete m.spec.deletionPolicy;
    const result = await createDataflow(kc, ns, m);
    if (!result.ok) throw new Error(result.message);
    expect(result.object.spec).toEqual(applyDefaults(m).spec);
    expect(result.object.spec).toMatchObject({ enabled: true, deletionPolicy: 'Delete' });
  });
});

describe('kubectl on MixpanelDataflows', () => {
  let name: string;

  beforeAll(async () => {
    const created = await createDataflow(kc, ns, named(base()));
    if (!created.ok) throw new Error(created.message);
    name = created.object.metadata.name;
    const updated = await replaceDataflow(kc, ns, withStatus(created.object), 'status');
    if (!updated.ok) throw new Error(updated.message);
  });

  it('kubectl get mpdf shows Ready, Synced, Healthy, Frequency, Last Run and Age', async () => {
    const got = await kubectl(['get', 'mpdf', name, '-n', ns]);
    expect(got.code).toBe(0);
    const [header, row] = got.stdout.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'NAME',
      'READY',
      'SYNCED',
      'HEALTHY',
      'FREQUENCY',
      'LAST RUN',
      'AGE',
    ]);
    expect(row?.split(/\s+/).slice(0, 6)).toEqual([name, 'True', 'True', 'True', 'minute', 'success']);
  });

  it('kubectl get mpdf -o wide adds the Flow ID', async () => {
    const got = await kubectl(['get', 'mpdf', name, '-n', ns, '-o', 'wide']);
    expect(got.stdout.split('\n')[0]?.split(/\s{2,}/)).toContain('FLOW ID');
    expect(got.stdout).toContain('f1e2d3c4-0000-4000-8000-000000000001');
  });

  it('lists MixpanelDataflows under the categories aep and dataflows', async () => {
    for (const category of ['aep', 'dataflows']) {
      const got = await kubectl(['get', category, '-n', ns, '-o', 'name']);
      expect(got.stdout).toContain(`mixpaneldataflow.aepflows.io/${name}`);
    }
  });

  it('kubectl explain mixpaneldataflow.spec.schedule documents every field and the interval rules', async () => {
    const got = await kubectl(['explain', 'mixpaneldataflow.spec.schedule']);
    expect(got.code).toBe(0);
    for (const text of ['frequency', 'interval', 'startTime', 'backfill', 'When the flow runs']) {
      expect(got.stdout).toContain(text);
    }
    expect(got.stdout).toContain('Required unless frequency is once');
    expect(got.stdout).toMatch(/frequency\s+<string> -required-\s+enum: once, minute/);
  });
});

describe('kubectl wait on MixpanelDataflows', () => {
  it('kubectl wait --for=condition=Ready returns once Ready is True for the current generation', async () => {
    const created = await createDataflow(kc, ns, named(base()));
    if (!created.ok) throw new Error(created.message);
    const name = created.object.metadata.name as string;
    const wait = ['wait', '--for=condition=Ready', `mpdf/${name}`, '-n', ns, '--timeout=1s'];
    expect((await kubectl(wait)).code).not.toBe(0); // no status yet
    const ready = await replaceDataflow(kc, ns, withStatus(created.object), 'status');
    if (!ready.ok) throw new Error(ready.message);
    expect((await kubectl(wait)).code).toBe(0);
    // A spec change makes the conditions stale (observedGeneration < generation): not Ready any more.
    const edited = structuredClone(ready.object);
    edited.spec.schedule.interval = 30;
    const updated = await replaceDataflow(kc, ns, edited);
    if (!updated.ok) throw new Error(updated.message);
    expect((await kubectl(wait)).code).not.toBe(0);
  });
});

describe('the status subresource', () => {
  it('accepts status writes without bumping the generation', async () => {
    const created = await createDataflow(kc, ns, named(base()));
    if (!created.ok) throw new Error(created.message);
    const written = await replaceDataflow(kc, ns, withStatus(created.object), 'status');
    if (!written.ok) throw new Error(written.message);
    const stored = await getDataflow(kc, ns, created.object.metadata.name);
    expect(stored.status.lastRun).toMatchObject({ status: 'success', recordsWritten: 9 });
    expect(stored.metadata.generation).toBe(created.object.metadata.generation);
  });

  it('ignores status in a spec update, and bumps the generation for the spec change', async () => {
    const created = await createDataflow(kc, ns, named(base()));
    if (!created.ok) throw new Error(created.message);
    const withOwnStatus = await replaceDataflow(kc, ns, withStatus(created.object), 'status');
    if (!withOwnStatus.ok) throw new Error(withOwnStatus.message);
    const edited = structuredClone(withOwnStatus.object);
    edited.spec.enabled = false;
    edited.status.lastRun.status = 'failed';
    const updated = await replaceDataflow(kc, ns, edited);
    if (!updated.ok) throw new Error(updated.message);
    expect(updated.object.spec.enabled).toBe(false);
    expect(updated.object.status.lastRun.status).toBe('success');
    expect(updated.object.metadata.generation).toBe(created.object.metadata.generation + 1);
  });

  it('ignores spec in a status update', async () => {
    const created = await createDataflow(kc, ns, named(base()));
    if (!created.ok) throw new Error(created.message);
    const edited = withStatus(created.object);
    edited.spec = { ...edited.spec, enabled: false };
    const written = await replaceDataflow(kc, ns, edited, 'status');
    if (!written.ok) throw new Error(written.message);
    expect(written.object.spec.enabled).toBe(true);
    expect(written.object.status.flow.state).toBe('enabled');
  });

  it('rejects a status write that breaks the status schema', async () => {
    const created = await createDataflow(kc, ns, named(base()));
    if (!created.ok) throw new Error(created.message);
    const bad = withStatus(created.object);
    bad.status.conditions[0].status = 'Maybe';
    bad.status.appliedSourceCredentialsHash = 'plaintext-password';
    const written = await replaceDataflow(kc, ns, bad, 'status');
    expect(written.ok).toBe(false);
    if (written.ok) return;
    // (The API server adds a '<nil>' note that CEL rules were skipped; only the field errors matter.)
    expect(
      written.causes
        .map((c) => c.field)
        .filter((f) => f !== '<nil>')
        .sort(),
    ).toEqual(['status.appliedSourceCredentialsHash', 'status.conditions[0].status']);
  });
});
