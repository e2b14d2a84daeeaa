import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { CONDITION_REASONS, EVENT_REASONS } from '../../controller/reconcile/index.js';
import { SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import {
  adobeCalls,
  chainOf,
  condition,
  Driver,
  isReady,
  isSynced,
  makeSecrets,
  makeSpec,
  SECRET_VALUES,
  describeSecretHygiene,
  useEnv,
  mappingOf,
} from './harness.js';

describe('credential rotation', () => {
  const env = useEnv();

  it('writes rotated Mixpanel credentials to the base connection and stores only a hash', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    d.secrets = makeSecrets({ mixpanelPassword: SECRET_VALUES.mixpanelPasswordRotated });
    await env.resetRequests();
    const res = await d.reconcile();
    expect(isSynced(res) && isReady(res)).toBe(true);
    expect(res.status.baseConnection?.id).toBe(before.baseConnection?.id);
    expect(res.status.appliedSourceCredentialsHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(res.status.appliedSourceCredentialsHash).not.toBe(before.appliedSourceCredentialsHash);
    const stored = await env.control('GET', `resources/${res.status.baseConnection?.id}`);
    const expected = createHash('sha256')
      .update(JSON.stringify({ username: 'svc.mixpanel', password: SECRET_VALUES.mixpanelPasswordRotated }))
      .digest('hex');
    expect(stored.body.authParamsSha256).toBe(expected);
    expect(res.events.map((e) => e.reason)).toContain(EVENT_REASONS.CredentialsRotated);
    const counts = await env.requests();
    expect(counts['PATCH /data/foundation/flowservice/connections/{id}']).toBe(1);
    expect(counts['GET /data/foundation/flowservice/connections/{id}/explore']).toBe(1);
  });

  it('uses a new IMS token once the platform Secret changes', async () => {
    const d = new Driver(env);
    await d.converge();
    await env.control('POST', 'credentials', {
      clientId: SIMULATOR_DEFAULTS.clientId,
      clientSecret: SECRET_VALUES.platformSecretRotated,
      orgId: SIMULATOR_DEFAULTS.orgId,
    });
    await env.control('POST', 'tokens/revoke');
    d.secrets = makeSecrets({ platformSecret: SECRET_VALUES.platformSecretRotated });
    await env.resetRequests();
    const res = await d.reconcile();
    expect(isSynced(res)).toBe(true);
    expect((await env.control('GET', 'requests')).body.tokenRequests).toBe(1);
    expect(res.events.map((e) => e.reason)).toContain(EVENT_REASONS.CredentialsRotated);
    // Back to the original secret for the other tests of this file.
    await env.control('POST', 'credentials', { ...SIMULATOR_DEFAULTS });
  });
});

describe('drift repair', () => {
  const env = useEnv();

  it('recreates a flow deleted outside the controller', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    await env.control('DELETE', `resources/${before.flow?.id}`);
    const res = await d.reconcile();
    expect(isReady(res)).toBe(true);
    expect(res.status.flow?.id).not.toBe(before.flow?.id);
    expect((await chainOf(env, res.status)).flow?.doc.sourceConnectionIds).toEqual([
      before.sourceConnection?.id,
    ]);
    expect(res.events.map((e) => e.reason)).toContain(EVENT_REASONS.Created);
  });

  it('recreates a deleted source connection and re-links a new flow to it', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    await env.control('DELETE', `resources/${before.sourceConnection?.id}`);
    const res = await d.reconcile();
    expect(isReady(res)).toBe(true);
    expect(res.status.sourceConnection?.id).not.toBe(before.sourceConnection?.id);
    const chain = await chainOf(env, res.status);
    expect(chain.flow?.doc.sourceConnectionIds).toEqual([res.status.sourceConnection?.id]);
    await d.converge();
    await env.settle(); // the old flow's delete-finalizing ends
    expect((await env.inventory('flows')).find((f) => f.id === before.flow?.id)).toBeUndefined();
  });

  it('recreates a deleted base connection and rebuilds the source and flow on it', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    await env.control('DELETE', `resources/${before.baseConnection?.id}`);
    const res = await d.converge();
    expect(res.status.baseConnection?.id).not.toBe(before.baseConnection?.id);
    const chain = await chainOf(env, res.status);
    expect(chain.source?.doc.baseConnectionId).toBe(res.status.baseConnection?.id);
    expect(chain.flow?.doc.sourceConnectionIds).toEqual([res.status.sourceConnection?.id]);
    const orphans = (await env.inventory('sourceConnections')).filter(
      (s) => s.doc.baseConnectionId === before.baseConnection?.id,
    );
    expect(orphans).toEqual([]);
  });

  it('re-patches a schedule and re-enables a flow edited outside the controller', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    await env.control('PATCH', `resources/${before.flow?.id}`, {
      scheduleParams: {
        startTime: String(Date.parse('2030-01-01T00:00:00Z') / 1000),
        frequency: 'day',
        interval: '3',
      },
      state: 'disabled',
    });
    const res = await d.converge();
    expect(isReady(res)).toBe(true);
    const flow = (await chainOf(env, res.status)).flow;
    expect(flow?.doc.scheduleParams).toMatchObject({ frequency: 'minute', interval: '15' });
    expect(flow?.state).toBe('enabled');
    expect(res.status.flow?.id).toBe(before.flow?.id);
  });

  it('puts back a mapping set edited outside the controller and re-points the flow', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    await env.control('PATCH', `resources/${before.mappingSet?.id}`, {
      mappings: [{ sourceType: 'text/x.schema-path', source: 'other', destination: '_simtenant.other' }],
    });
    const res = await d.reconcile();
    expect(isReady(res)).toBe(true);
    const chain = await chainOf(env, res.status);
    expect(chain.mapping?.doc.mappings.map((m: { source: string }) => m.source)).toEqual([
      'distinct_id',
      'lower(event)',
    ]);
    expect(Number(mappingOf(chain.flow?.doc).params.mappingVersion)).toBe(res.status.mappingSet?.version);
  });

  it('replaces a target connection whose dataset was changed outside the controller', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    const other = await env.makeSchemaAndDataset();
    await env.control('PATCH', `resources/${before.targetConnection?.id}`, {
      params: { dataSetId: other.datasetId },
    });
    const res = await d.converge();
    expect(res.status.targetConnection?.id).not.toBe(before.targetConnection?.id);
    expect((await chainOf(env, res.status)).target?.doc.params.dataSetId).toBe(env.datasetId);
  });

  it('reports a startTime Adobe no longer lets change instead of fighting it', async () => {
    const past = new Date(Date.now() - 86_400_000).toISOString();
    const d = new Driver(
      env,
      makeSpec(env, { schedule: { frequency: 'minute', interval: 15, startTime: past } }),
    );
    await d.converge();
    d.setSpec((s) => ({ ...s, schedule: { ...s.schedule, startTime: '2031-06-01T00:00:00Z' } }));
    await env.resetRequests();
    const res = await d.reconcile();
    expect(condition(res, 'Synced')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.StartTimeLocked,
    });
    expect(isReady(res)).toBe(true);
    expect(res.notices.map((n) => n.kind)).toEqual(['StartTimeLocked']);
    expect(adobeCalls(await env.requests()).writes).toBe(0);
    const again = await d.reconcile();
    expect(again.status).toEqual(res.status);
  });
});

describeSecretHygiene();
