import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeConfig } from '@kubernetes/client-node';
import fc from 'fast-check';
import { applyDefaults } from '../../controller/api/defaults.js';
import { validateMixpanelDataflow } from '../../controller/api/validate.js';
import type { DataflowSpec } from '../../controller/reconcile/types.js';
import { createDataflow } from '../api/kube.js';
import { createTestNamespace, testKubeConfig } from '../cluster/test-cluster.js';
import { Driver, Env, leakedSecrets } from '../reconcile/harness.js';
import { manifestArb } from './manifests.js';

// Fixed seed and count, so CI runs the same manifests every time (set FUZZ_SEED to explore).
const SEED = Number(process.env.FUZZ_SEED ?? 16);
const RUNS = 120;

const key = (e: { field: string; message: string }) => `${e.field} | ${e.message}`;

let kc: KubeConfig;
let ns: string;
let env: Env;
let counter = 0;
const admitted: Record<string, unknown>[] = [];

beforeAll(async () => {
  kc = testKubeConfig();
  ns = await createTestNamespace('fuzz-admission');
  env = await Env.start();
}, 60_000);
afterAll(async () => env?.close());

describe('generated manifests: the TS validator and the real API server agree', () => {
  it(`on acceptance and on every field error (${RUNS} manifests, seed ${SEED})`, async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(manifestArb, async (m) => {
        const body = structuredClone(m);
        body.metadata = { name: `fuzz-${++counter}` };
        const ours = validateMixpanelDataflow(body).map(key).sort();
        const server = await createDataflow(kc, ns, body, true);
        const theirs = server.ok ? [] : server.causes.map(key).sort();
        expect({ accepted: server.ok, errors: theirs }).toEqual({
          accepted: ours.length === 0,
          errors: ours,
        });
        if (server.ok) {
          accepted += 1;
          admitted.push(body);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The generator is useful only if both outcomes are common.
    expect(accepted).toBeGreaterThan(RUNS * 0.15);
    expect(accepted).toBeLessThan(RUNS * 0.85);
  }, 120_000);

  it('never crashes the engine on an admitted manifest: each ends with a condition, nothing leaks', async () => {
    expect(admitted.length).toBeGreaterThan(0);
    for (const [i, m] of admitted.slice(0, 25).entries()) {
      const spec = (applyDefaults(m) as { spec: unknown }).spec as DataflowSpec;
      // Half point at the simulator's real dataset (they can reach Ready); half keep their random ids.
      if (i % 2 === 0) spec.target = { datasetId: env.datasetId, schemaId: env.schemaId };
      spec.platform.credentialsSecretRef = { name: 'aep-credentials' };
      spec.source.credentialsSecretRef = { name: 'mixpanel-sa' };
      const d = new Driver(env, spec);
      for (let pass = 0; pass < 3; pass++) {
        const res = await d.reconcile();
        const synced = res.status.conditions?.find((c) => c.type === 'Synced');
        expect(synced?.status).toMatch(/^(True|False)$/);
        expect(synced?.message.length).toBeGreaterThan(0);
        if (synced?.status === 'False') expect(res.error?.kind ?? 'none').not.toBe('none');
      }
    }
    expect(leakedSecrets()).toEqual([]);
  }, 120_000);
});
