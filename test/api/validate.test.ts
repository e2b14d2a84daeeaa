import { describe, expect, it } from '@jest/globals';
import { ANNOTATIONS } from '../../controller/api/constants.js';
import { SPEC_DEFAULTS, applyDefaults } from '../../controller/api/defaults.js';
import { isPaused } from '../../controller/api/metadata.js';
import { RULE_MESSAGES } from '../../controller/api/spec-schema.js';
import { validateMixpanelDataflow } from '../../controller/api/validate.js';
import { base, exampleDataflows, invalidCases, validCases } from './corpus.js';

const sorted = <T extends { field: string; message: string }>(errors: T[]): T[] =>
  [...errors].sort((a, b) => `${a.field} ${a.message}`.localeCompare(`${b.field} ${b.message}`));

describe('validateMixpanelDataflow', () => {
  it.each(exampleDataflows().map((doc) => ({ name: doc.metadata.name as string, doc })))(
    'accepts the example $name',
    ({ doc }) => {
      expect(validateMixpanelDataflow(doc)).toEqual([]);
    },
  );

  it.each(validCases)('accepts $name', (c) => {
    expect(validateMixpanelDataflow(c.manifest, { oldObject: c.old })).toEqual([]);
  });

  it.each(invalidCases)('rejects a manifest where $name', (c) => {
    expect(sorted(validateMixpanelDataflow(c.manifest, { oldObject: c.old }))).toEqual(sorted(c.expected));
  });

  it('has at least 30 invalid cases covering every CEL rule message', () => {
    expect(invalidCases.length).toBeGreaterThanOrEqual(30);
    const messages = invalidCases.flatMap((c) => c.expected.map((e) => e.message)).join('\n');
    for (const message of Object.values(RULE_MESSAGES)) expect(messages).toContain(message);
  });

  it('allows any sandbox on create and checks immutability only against the stored object', () => {
    const m = base();
    m.spec.platform.sandbox = 'dev';
    expect(validateMixpanelDataflow(m)).toEqual([]);
    expect(validateMixpanelDataflow(m, { oldObject: m })).toEqual([]);
    expect(validateMixpanelDataflow(m, { oldObject: base() }).map((e) => e.field)).toEqual([
      'spec.platform.sandbox',
    ]);
  });

  it('reports fields the schema does not declare, such as a namespace on a Secret reference', () => {
    const m = base();
    m.spec.source.credentialsSecretRef.namespace = 'other';
    expect(validateMixpanelDataflow(m)).toEqual([
      {
        field: 'spec.source.credentialsSecretRef.namespace',
        message: 'unknown field "spec.source.credentialsSecretRef.namespace"',
      },
    ]);
    expect(validateMixpanelDataflow(m, { strictFields: false })).toEqual([]);
    const misplaced = { ...base(), schedule: { frequency: 'once' } };
    expect(validateMixpanelDataflow(misplaced)).toEqual([
      { field: 'schedule', message: 'unknown field "schedule"' },
    ]);
  });

  it('rejects a manifest of another kind and one without spec', () => {
    const errors = validateMixpanelDataflow({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(errors.map((e) => e.field)).toEqual(['apiVersion', 'kind', 'spec']);
  });
});

describe('applyDefaults', () => {
  it('fills enabled and deletionPolicy with the CRD defaults when they are absent', () => {
    const m = base();
    delete m.spec.enabled;
    delete m.spec.deletionPolicy;
    const defaulted = applyDefaults(m);
    expect(defaulted.spec.enabled).toBe(SPEC_DEFAULTS.enabled);
    expect(defaulted.spec.deletionPolicy).toBe(SPEC_DEFAULTS.deletionPolicy);
    expect(m.spec.enabled).toBeUndefined();
  });

  it('keeps values the user set, including enabled false', () => {
    const m = base();
    m.spec.enabled = false;
    m.spec.deletionPolicy = 'Orphan';
    expect(applyDefaults(m).spec).toMatchObject({ enabled: false, deletionPolicy: 'Orphan' });
  });
});

describe('isPaused', () => {
  it('is true only for the annotation aepflows.io/paused set to "true"', () => {
    expect(isPaused({ annotations: { [ANNOTATIONS.paused]: 'true' } })).toBe(true);
    expect(isPaused({ annotations: { [ANNOTATIONS.paused]: 'True' } })).toBe(false);
    expect(isPaused({ annotations: { [ANNOTATIONS.paused]: 'false' } })).toBe(false);
    expect(isPaused({})).toBe(false);
    expect(isPaused(undefined)).toBe(false);
  });
});

describe('validation ratcheting on update', () => {
  it('accepts an unchanged field that today’s schema rejects, but not a changed one', () => {
    const old = base();
    old.spec.source.timezone = 'Pacific Standard Time!';
    const unchanged = structuredClone(old);
    unchanged.spec.enabled = false;
    expect(validateMixpanelDataflow(unchanged, { oldObject: old })).toEqual([]);
    const changed = structuredClone(old);
    changed.spec.source.timezone = 'Eastern Standard Time!';
    expect(validateMixpanelDataflow(changed, { oldObject: old }).map((e) => e.field)).toEqual([
      'spec.source.timezone',
    ]);
  });
});
