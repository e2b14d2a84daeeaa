import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addManifestFile,
  describeProblem,
  emptyManifestSet,
  readManifestDir,
  secretsFor,
} from '../../controller/offline/manifests.js';
import { localUid } from '../../controller/offline/uid.js';

const dataflow = (name: string, extra = '') => `apiVersion: aepflows.io/v1alpha1
kind: MixpanelDataflow
metadata: {name: ${name}, namespace: analytics}
spec:
  platform: {sandbox: prod, credentialsSecretRef: {name: aep}}
  source: {projectId: '1', timezone: UTC, credentialsSecretRef: {name: mp}}
  target:
    datasetId: 5ef4551c52e054191a61a99f
    schemaId: https://ns.adobe.com/simtenant/schemas/995dabbe
  mappings: [{source: a, destination: _simtenant.a}]
  schedule: {frequency: hour, interval: 1}
${extra}`;

describe('reading manifests', () => {
  it('reads every document of multi-document files, applies the CRD defaults and decodes Secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpdf-manifests-'));
    try {
      await writeFile(
        join(dir, 'a.yaml'),
        `${dataflow('one')}---\n${dataflow('two')}---\napiVersion: v1\nkind: Secret\nmetadata: {name: aep, namespace: analytics}\ndata: {clientId: ${Buffer.from('id-1').toString('base64')}}\nstringData: {orgId: ORG}\n`,
      );
      await writeFile(join(dir, 'notes.txt'), 'not a manifest');
      const set = await readManifestDir(dir);
      expect([...set.dataflows.keys()]).toEqual(['analytics/one', 'analytics/two']);
      expect(set.dataflows.get('analytics/one')?.spec.deletionPolicy).toBe('Delete');
      expect(set.dataflows.get('analytics/one')?.spec.enabled).toBe(true);
      expect(set.secrets.get('analytics/aep')).toEqual({ clientId: 'id-1', orgId: 'ORG' });
      expect(secretsFor(set, 'analytics', set.dataflows.get('analytics/one')!.spec)).toEqual({
        aep: { clientId: 'id-1', orgId: 'ORG' },
        mp: undefined,
      });
      expect(set.problems).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a broken file, an invalid document and a duplicate with file, document and field, and keeps the rest', () => {
    const set = emptyManifestSet();
    addManifestFile(set, 'bad.yaml', 'kind: [unclosed');
    addManifestFile(
      set,
      'mixed.yaml',
      `${dataflow('good')}---\n${dataflow('wrong').replace('interval: 1', 'interval: 0')}`,
    );
    addManifestFile(set, 'dup.yaml', dataflow('good'));
    expect([...set.dataflows.keys()]).toEqual(['analytics/good']);
    expect(set.brokenFiles).toEqual(new Set(['bad.yaml']));
    expect(set.invalidKeys).toEqual(new Set(['analytics/wrong', 'analytics/good']));
    const lines = set.problems.map(describeProblem);
    expect(lines[0]).toMatch(/^bad\.yaml \(document 1\): not valid YAML: /);
    expect(lines).toContain(
      'mixed.yaml (document 2) analytics/wrong spec.schedule.interval: Invalid value: 0: spec.schedule.interval in body should be greater than or equal to 1',
    );
    expect(lines).toContain(
      'dup.yaml (document 1) analytics/good: duplicate of the MixpanelDataflow defined in mixed.yaml',
    );
  });

  it('checks immutable fields against what was applied before', () => {
    const before = emptyManifestSet();
    addManifestFile(before, 'a.yaml', dataflow('one'));
    const after = emptyManifestSet();
    addManifestFile(
      after,
      'a.yaml',
      dataflow('one').replace('sandbox: prod', 'sandbox: dev'),
      new Map([['analytics/one', { spec: before.dataflows.get('analytics/one')!.spec }]]),
    );
    expect(after.dataflows.size).toBe(0);
    expect(after.problems.map((p) => p.field)).toContain('spec.platform.sandbox');
  });

  it('gives each dataflow a stable, distinct, UUID-shaped uid', () => {
    expect(localUid('analytics', 'purchases')).toBe(localUid('analytics', 'purchases'));
    expect(localUid('analytics', 'purchases')).not.toBe(localUid('analytics', 'signups'));
    expect(localUid('a', 'b')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
