import { describe, expect, it } from '@jest/globals';
import { CONDITION_REASONS, EVENT_REASONS, ENGINE_MESSAGES } from '../../controller/reconcile/index.js';
import { SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import {
  adobeCalls,
  condition,
  Driver,
  Env,
  isReady,
  isSynced,
  makeSpec,
  describeSecretHygiene,
  useEnv,
} from './harness.js';

const MISSING_DATASET = '0123456789abcdef01234567';

/** Sum of the simulator's request counts whose `METHOD /path` key matches. */
const countOf = (counts: Record<string, number>, pattern: RegExp): number =>
  Object.entries(counts)
    .filter(([k]) => pattern.test(k))
    .reduce((n, [, v]) => n + v, 0);

describe('error handling', () => {
  const env = useEnv();

  it('treats a validation error as terminal for the generation and does not call Adobe again', async () => {
    const d = new Driver(
      env,
      makeSpec(env, { target: { datasetId: MISSING_DATASET, schemaId: env.schemaId } }),
    );
    const res = await d.reconcile();
    expect(condition(res, 'Synced')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.ValidationFailed,
    });
    expect(condition(res, 'Synced')?.message).toContain(MISSING_DATASET);
    expect(res.action.requeueAfterMs).toBeNull();
    expect(res.error).toMatchObject({ kind: 'Terminal', reason: CONDITION_REASONS.ValidationFailed });
    expect(res.status.terminalFingerprint).toBeDefined();
    expect(res.events.map((e) => e.reason)).toContain(EVENT_REASONS.TerminalError);
    await env.resetRequests();
    const again = await d.reconcile();
    expect(adobeCalls(await env.requests()).total).toBe(0);
    expect(again.status).toEqual(res.status);
    expect(again.events).toEqual([]);
    // A spec change (new generation) retries and succeeds.
    d.setSpec((s) => ({ ...s, target: { datasetId: env.datasetId, schemaId: env.schemaId } }));
    const fixed = await d.converge();
    expect(fixed.status.terminalFingerprint).toBeUndefined();
  });

  it('reports the validation error even when a parallel branch failed transiently', async () => {
    // The base connection create fails (5xx) while the target connection is refused (unknown
    // dataset): the user must be told about the dataset now, not after Adobe recovers.
    await env.faults([{ method: 'POST', path: '/flowservice/connections$', status: 503 }]);
    const d = new Driver(
      env,
      makeSpec(env, { target: { datasetId: MISSING_DATASET, schemaId: env.schemaId } }),
    );
    const res = await d.reconcile();
    await env.clearFaults();
    expect(condition(res, 'Synced')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.ValidationFailed,
    });
    expect(condition(res, 'Synced')?.message).toContain(MISSING_DATASET);
    expect(res.action.requeueAfterMs).toBeNull();
  });

  it('retries a terminal error when a referenced Secret changes, carrying the new Secret to Adobe', async () => {
    const d = new Driver(
      env,
      makeSpec(env, { target: { datasetId: MISSING_DATASET, schemaId: env.schemaId } }),
    );
    const first = await d.reconcile();
    expect(first.error?.kind).toBe('Terminal');
    const baseId = first.status.baseConnection!.id;
    d.secrets = {
      ...d.secrets,
      'mixpanel-sa': { username: 'svc.mixpanel.rotated', password: 'another-password-value-1' },
    };
    await env.resetRequests();
    const retried = await d.reconcile();
    const counts = await env.requests();
    // The new credentials are written to the base connection, and the failed create is tried again.
    expect(countOf(counts, /^PATCH .*\/connections\/[^/]+$/)).toBe(1);
    expect(countOf(counts, /^POST .*\/targetConnections$/)).toBe(1);
    const base = (await env.inventory('connections')).find((r) => r.id === baseId);
    expect(base?.doc.auth.params.username).toBe('svc.mixpanel.rotated');
    // The dataset is still missing: terminal again, now for the new fingerprint.
    expect(retried.error?.kind).toBe('Terminal');
    expect(retried.status.terminalFingerprint).not.toBe(first.status.terminalFingerprint);
  });

  it('refreshes a revoked token once and carries on', async () => {
    const d = new Driver(env);
    await d.converge();
    await env.control('POST', 'tokens/revoke');
    await env.resetRequests();
    d.setSpec((s) => ({ ...s, schedule: { ...s.schedule, interval: 20 } }));
    const res = await d.reconcile();
    expect(isSynced(res)).toBe(true);
    expect((await env.control('GET', 'requests')).body.tokenRequests).toBe(1);
  });

  it('reports rejected platform credentials with a long requeue', async () => {
    const d = new Driver(env);
    d.secrets = {
      ...d.secrets,
      'aep-credentials': {
        clientId: SIMULATOR_DEFAULTS.clientId,
        clientSecret: 'nope-wrong-7',
        orgId: SIMULATOR_DEFAULTS.orgId,
      },
    };
    const res = await d.reconcile();
    expect(condition(res, 'Synced')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.PlatformCredentialsRejected,
    });
    expect(res.action.requeueAfterMs).toBe(300_000);
    expect(res.events.map((e) => e.reason)).toContain(EVENT_REASONS.CredentialsRejected);
  });

  it('waits for Retry-After on 429', async () => {
    const d = new Driver(env);
    await env.faults([
      { path: '/flowservice/', rateLimit: { limit: 0, windowMs: 60_000, retryAfterSeconds: 7 } },
    ]);
    const res = await d.reconcile();
    await env.clearFaults();
    expect(condition(res, 'Synced')).toMatchObject({ status: 'False', reason: CONDITION_REASONS.Throttled });
    expect(res.action.requeueAfterMs).toBe(7_000);
    expect(res.error?.kind).toBe('Throttled');
    await d.converge();
  });

  it('backs off exponentially with jitter on 5xx, by consecutive failures, without status churn', async () => {
    await env.faults([{ path: '/flowservice/', status: 503 }]);
    const d = new Driver(env);
    const policy = { backoffBaseMs: 1_000, backoffMaxMs: 10_000 };
    const delays: (number | null)[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await d.reconcile({ policy, random: () => 1 });
      expect(res.error).toMatchObject({ kind: 'Transient', reason: CONDITION_REASONS.ReconcileError });
      expect(condition(res, 'Synced')?.reason).toBe(CONDITION_REASONS.ReconcileError);
      delays.push(res.action.requeueAfterMs);
    }
    const before = d.results.at(-1)!.status;
    const jittered = await d.reconcile({ policy, random: () => 0 });
    await env.clearFaults();
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 10_000]);
    expect(jittered.action.requeueAfterMs).toBe(5_000);
    // The same failure again changes nothing in status (no request ids or timestamps churn).
    expect(jittered.status).toEqual(before);
    expect((await d.converge()).error).toBeUndefined();
    expect(d.failures).toBe(0);
  });

  it('survives dropped connections and added latency without leaking or duplicating', async () => {
    const d = new Driver(env);
    await env.faults([
      { path: '/flowservice/', dropRate: 0.2 },
      { latencyMs: 30, latencyJitterMs: 20 },
    ]);
    let res = await d.reconcile();
    for (let i = 0; i < 60 && !(isReady(res) && isSynced(res)); i++) res = await d.reconcile();
    await env.clearFaults();
    expect(isReady(res) && isSynced(res)).toBe(true);
    const mine = (await env.inventory()).filter(
      (r) => String(r.name).includes(d.obj.uid) || r.name === `analytics/${d.obj.name}`,
    );
    expect(mine.map((r) => r.kind).sort()).toEqual([
      'connections',
      'flows',
      'mappingSets',
      'sourceConnections',
      'targetConnections',
    ]);
  });

  it('converges through random 5xx with the client retrying', async () => {
    const retrying = await Env.start({ maxRetries: 4 });
    try {
      await retrying.faults(
        [{ path: '/(flowservice|conversion)/', statusRates: { '500': 0.3, '503': 0.1 } }],
        7,
      );
      const d = new Driver(retrying);
      const res = await d.converge(10);
      await retrying.clearFaults();
      expect(isReady(res)).toBe(true);
      const counts = (await retrying.control('GET', 'state')).body.counts;
      expect(counts).toMatchObject({ connections: 1, sourceConnections: 1, targetConnections: 1, flows: 1 });
    } finally {
      await retrying.close();
    }
  });

  it('names a missing Secret or key in a condition without calling Adobe', async () => {
    const d = new Driver(env);
    d.secrets = { 'aep-credentials': d.secrets['aep-credentials'] };
    await env.resetRequests();
    const gone = await d.reconcile();
    expect(condition(gone, 'Synced')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.SecretNotFound,
      message: ENGINE_MESSAGES.secretNotFound('mixpanel-sa'),
    });
    d.secrets = { ...d.secrets, 'mixpanel-sa': { username: 'svc.mixpanel' } };
    const noKey = await d.reconcile();
    expect(condition(noKey, 'Synced')).toMatchObject({
      reason: CONDITION_REASONS.SecretKeyMissing,
      message: ENGINE_MESSAGES.secretKeyMissing('mixpanel-sa', 'password'),
    });
    expect(adobeCalls(await env.requests()).total).toBe(0);
    expect((await env.control('GET', 'requests')).body.tokenRequests).toBe(0);
  });
});

describe('checking Mixpanel access before building', () => {
  const env = useEnv();

  it('stops before the source connection when Mixpanel rejects the credentials, and resumes once fixed', async () => {
    await env.control('POST', 'mixpanel', { invalidUsernames: ['svc.mixpanel'] });
    const d = new Driver(env);
    const res = await d.reconcile();
    expect(condition(res, 'Synced')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.MixpanelCredentialsRejected,
    });
    expect(res.status.sourceConnection).toBeUndefined();
    expect(res.status.flow).toBeUndefined();
    expect((await env.inventory('sourceConnections')).length).toBe(0);
    await env.control('POST', 'mixpanel', { invalidUsernames: [] });
    const fixed = await d.converge();
    expect(isReady(fixed)).toBe(true);
  });

  it('reports an unknown project as its own condition', async () => {
    await env.control('POST', 'mixpanel', { invalidProjectIds: ['31337'] });
    const d = new Driver(
      env,
      makeSpec(env, {
        source: { projectId: '31337', timezone: 'UTC', credentialsSecretRef: { name: 'mixpanel-sa' } },
      }),
    );
    const res = await d.reconcile();
    expect(condition(res, 'Synced')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.MixpanelProjectNotFound,
    });
    expect(condition(res, 'Synced')?.message).toContain('31337');
    await env.control('POST', 'mixpanel', { invalidProjectIds: [] });
  });

  it('says "Mixpanel rejected the request" with Adobe\'s message when it is neither credentials nor project', async () => {
    await env.control('POST', 'mixpanel', { unavailableProjectIds: ['4242'] });
    const d = new Driver(
      env,
      makeSpec(env, {
        source: { projectId: '4242', timezone: 'UTC', credentialsSecretRef: { name: 'mixpanel-sa' } },
      }),
    );
    const res = await d.reconcile();
    const synced = condition(res, 'Synced');
    expect(synced).toMatchObject({ status: 'False', reason: CONDITION_REASONS.MixpanelRequestRejected });
    expect(synced?.message).toContain('Mixpanel rejected the request');
    expect(synced?.message).toContain('Error from flow provider: Unknown error while processing request.');
    // Not a credentials or project verdict: retried with backoff, not after the long credentials delay.
    expect(res.error?.kind).toBe('Transient');
    expect(res.action.requeueAfterMs).toBeLessThan(300_000);
    await env.control('POST', 'mixpanel', { unavailableProjectIds: [] });
    expect(isReady(await d.converge())).toBe(true);
  });

  it('checks access again when the project changes, before replacing the source', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    await env.control('POST', 'mixpanel', { invalidProjectIds: ['555'] });
    d.setSpec((s) => ({ ...s, source: { ...s.source, projectId: '555' } }));
    const res = await d.reconcile();
    await env.control('POST', 'mixpanel', { invalidProjectIds: [] });
    expect(condition(res, 'Synced')?.reason).toBe(CONDITION_REASONS.MixpanelProjectNotFound);
    expect(res.status.sourceConnection?.id).toBe(before.sourceConnection?.id);
    expect(res.status.flow?.id).toBe(before.flow?.id);
  });
});

describeSecretHygiene();
