import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { statusSchema, validateMixpanelDataflow } from '../../controller/api/index.js';
import { CONDITION_REASONS, isTerminalReason, TERMINAL_REASONS } from '../../controller/reconcile/index.js';
import { runHealthScript, type HealthStatus } from './lua-health.js';

const CHECK_DIR = fileURLToPath(
  new URL('../../argocd/resource_customizations/aepflows.io/MixpanelDataflow/', import.meta.url),
);
const SCRIPT = `${CHECK_DIR}health.lua`;
const ARGOCD_CM = fileURLToPath(new URL('../../argocd/argocd-cm.yaml', import.meta.url));

interface HealthTest {
  tests: { healthStatus: HealthStatus; inputPath: string }[];
}

const suite = parse(readFileSync(`${CHECK_DIR}health_test.yaml`, 'utf8')) as HealthTest;
const load = (inputPath: string): Record<string, unknown> =>
  parse(readFileSync(`${CHECK_DIR}${inputPath}`, 'utf8')) as Record<string, unknown>;

/**
 * Health of a dataflow whose last reconcile of the current generation ended Synced=False with
 * each reason the engine exports (Ready=False): Degraded exactly for the engine's TERMINAL_REASONS,
 * so a reason added there (or here, to CONDITION_REASONS) cannot silently diverge from the Lua.
 */
const HEALTH_WHEN_SYNC_FAILS = Object.fromEntries(
  Object.values(CONDITION_REASONS).map((r) => [r, isTerminalReason(r) ? 'Degraded' : 'Progressing']),
);

function failingDataflow(reason: string): Record<string, unknown> {
  const obj = load('testdata/healthy-before-first-run.yaml');
  const status = obj.status as { conditions: { type: string; status: string; reason: string }[] };
  status.conditions = [
    { ...status.conditions[0]!, type: 'Ready', status: 'False', reason: 'OutOfSync' },
    { ...status.conditions[1]!, type: 'Synced', status: 'False', reason },
  ];
  return obj;
}

describe('the Argo CD health check for MixpanelDataflow', () => {
  it.each(suite.tests.map((t) => [t.inputPath, t.healthStatus] as const))(
    'reports %s as Argo CD would show it',
    async (inputPath, expected) => {
      const [actual] = await runHealthScript(SCRIPT, [load(inputPath)]);
      expect(actual).toEqual(expected);
    },
  );

  it('covers every testdata file in health_test.yaml, and every case has a file', () => {
    const files = readdirSync(`${CHECK_DIR}testdata`).map((f) => `testdata/${f}`);
    expect(suite.tests.map((t) => t.inputPath).sort()).toEqual(files.sort());
  });

  it('has a test case for every health status a dataflow can have', () => {
    expect(new Set(suite.tests.map((t) => t.healthStatus.status))).toEqual(
      new Set(['Healthy', 'Progressing', 'Degraded', 'Suspended']),
    );
  });

  it('uses testdata a real API server would store (valid spec and status)', () => {
    // The CRD's formats: RFC 3339 timestamps as the API server checks them; int64 is a width hint.
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      formats: { 'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, int64: true },
    });
    const validStatus = ajv.compile(statusSchema as object);
    for (const t of suite.tests) {
      const obj = load(t.inputPath);
      expect({ file: t.inputPath, errors: validateMixpanelDataflow(obj) }).toEqual({
        file: t.inputPath,
        errors: [],
      });
      if (obj.status !== undefined) {
        validStatus(obj.status);
        expect({ file: t.inputPath, errors: validStatus.errors ?? null }).toEqual({
          file: t.inputPath,
          errors: null,
        });
      }
    }
  });

  it("is Degraded exactly for the Synced reasons a retry cannot fix (the engine's TERMINAL_REASONS)", async () => {
    expect(TERMINAL_REASONS.length).toBeGreaterThan(0);
    const reasons = Object.values(CONDITION_REASONS);
    const results = await runHealthScript(SCRIPT, reasons.map(failingDataflow));
    const actual = Object.fromEntries(reasons.map((r, i) => [r, results[i]!.status]));
    expect(actual).toEqual(HEALTH_WHEN_SYNC_FAILS);
  });

  it.each(['uses-string-library.lua', 'uses-string-method.lua'])(
    'runs scripts without the string library, as Argo CD runs scripts from argocd-cm (%s fails)',
    async (probe) => {
      const path = fileURLToPath(new URL(`./fixtures/${probe}`, import.meta.url));
      const [result] = await runHealthScript(path, [load('testdata/healthy.yaml')]);
      expect(result!.status).toBe('error');
      expect(result!.message).toMatch(/attempt to index .*string/);
    },
  );

  it('is the same script in the argocd-cm snippet users copy', () => {
    const docs = parseAllDocuments(readFileSync(ARGOCD_CM, 'utf8')).map(
      (d) => d.toJS() as { data: Record<string, string> },
    );
    const script = docs[0]!.data['resource.customizations.health.aepflows.io_MixpanelDataflow'];
    expect(script).toBe(readFileSync(SCRIPT, 'utf8'));
  });
});
