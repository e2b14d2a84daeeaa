import { describe, expect, it } from '@jest/globals';
import { ANNOTATIONS } from '../../controller/api/index.js';
import { CONDITION_REASONS, ENGINE_MESSAGES, EVENT_REASONS } from '../../controller/reconcile/index.js';
import type { AdobePort } from '../../controller/reconcile/ports.js';
import { SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import {
  adobeCalls,
  condition,
  Driver,
  isReady,
  isSynced,
  describeSecretHygiene,
  useEnv,
} from './harness.js';

const DELETED_AT = '2026-11-29T03:00:00Z';

describe('deleting the CR', () => {
  const env = useEnv();

  const idsOf = (s: Driver['obj']['status']) =>
    [s?.flow?.id, s?.sourceConnection?.id, s?.targetConnection?.id, s?.baseConnection?.id] as string[];

  it('deletes flow, then source and target, then base with deletionPolicy Delete', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    const order: string[] = [];
    d.wrapPort = (port: AdobePort): AdobePort => ({
      ...port,
      deleteFlow: async (id) => {
        order.push('flow');
        return port.deleteFlow(id);
      },
      deleteConnection: async (kind, id) => {
        order.push(kind);
        return port.deleteConnection(kind, id);
      },
    });
    d.obj = { ...d.obj, deletionTimestamp: DELETED_AT };
    // The deleted flow finalizes its deletion (delete-finalizing) and still holds its connections:
    // Adobe refuses their deletes for now (1447), which is a wait, not a failure.
    const first = await d.reconcile();
    expect(first.deletionComplete).toBe(false);
    expect(condition(first, 'Synced')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.AdobeBusy,
    });
    expect(first.action.requeueAfterMs).toBeGreaterThan(0);
    expect(first.status.flow).toBeUndefined();
    const start = d.results.length - 1;
    await d.deleteFully();
    expect(order[0]).toBe('flow');
    expect(order.filter((k) => k === 'flow')).toHaveLength(1);
    expect(order.at(-1)).toBe('baseConnection');
    expect(order.slice(1, -1).every((k) => k === 'sourceConnection' || k === 'targetConnection')).toBe(true);
    await env.settle();
    const left = (await env.inventory()).map((r) => r.id);
    for (const id of idsOf(before)) expect(left).not.toContain(id);
    expect(left).toContain(before.mappingSet?.id); // Data Prep has no delete
    const deleted = d.results
      .slice(start)
      .flatMap((r) => r.events)
      .filter((e) => e.reason === EVENT_REASONS.Deleted);
    expect(deleted).toHaveLength(4);
  });

  it('counts a link already gone (404) as deleted', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    await env.control('DELETE', `resources/${before.flow?.id}`);
    await env.control('DELETE', `resources/${before.sourceConnection?.id}`);
    d.obj = { ...d.obj, deletionTimestamp: DELETED_AT };
    await env.settle(); // the new target connection's inProgress has ended
    const res = await d.reconcile();
    expect(res.deletionComplete).toBe(true);
    expect((await env.inventory()).map((r) => r.id)).not.toContain(before.baseConnection?.id);
  });

  it('touches nothing in Adobe with deletionPolicy Orphan, even when the Secrets are gone', async () => {
    const d = new Driver(env);
    d.setSpec((s) => ({ ...s, deletionPolicy: 'Orphan' }));
    const before = (await d.converge()).status;
    d.secrets = {};
    d.obj = { ...d.obj, deletionTimestamp: DELETED_AT };
    await env.resetRequests();
    const res = await d.reconcile();
    expect(res.deletionComplete).toBe(true);
    expect(adobeCalls(await env.requests()).total).toBe(0);
    const left = (await env.inventory()).map((r) => r.id);
    for (const id of idsOf(before)) expect(left).toContain(id);
  });

  it('holds the finalizer and names the missing Secret when Delete cannot authenticate', async () => {
    const d = new Driver(env);
    await d.converge();
    d.secrets = { 'mixpanel-sa': d.secrets['mixpanel-sa'] };
    d.obj = { ...d.obj, deletionTimestamp: DELETED_AT };
    await env.resetRequests();
    const res = await d.reconcile();
    expect(res.deletionComplete).toBe(false);
    expect(condition(res, 'Synced')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.SecretNotFound,
    });
    expect(condition(res, 'Synced')?.message).toContain('aep-credentials');
    expect(adobeCalls(await env.requests()).total).toBe(0);
    expect(res.action.requeueAfterMs).toBeGreaterThan(0);
  });

  it('holds the finalizer with a credentials condition when Adobe rejects the platform credentials', async () => {
    const d = new Driver(env);
    await d.converge();
    d.secrets = {
      ...d.secrets,
      'aep-credentials': {
        clientId: SIMULATOR_DEFAULTS.clientId,
        clientSecret: 'wrong-secret-1',
        orgId: SIMULATOR_DEFAULTS.orgId,
      },
    };
    await env.control('POST', 'tokens/revoke');
    d.obj = { ...d.obj, deletionTimestamp: DELETED_AT };
    const res = await d.reconcile();
    expect(res.deletionComplete).toBe(false);
    expect(condition(res, 'Synced')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.PlatformCredentialsRejected,
    });
  });

  // The soak's kills wait for this line to strike while a deletion is applied (issue 16).
  it("logs the deletion's operations as 'applying plan', as a chain's plan is logged", async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    d.obj = { ...d.obj, deletionTimestamp: DELETED_AT };
    const lines: { obj: object; msg: string }[] = [];
    const logger = { info: (obj: object, msg: string) => lines.push({ obj, msg }), warn: () => undefined };
    await d.reconcile({ logger });
    const plan = lines.find((l) => l.msg === 'applying plan');
    expect(plan?.obj).toMatchObject({
      object: `${d.obj.namespace}/${d.obj.name}`,
      ops: expect.arrayContaining([
        expect.stringMatching(new RegExp(`^delete flow ${before.flow!.id}`)),
        expect.stringMatching(new RegExp(`^delete baseConnection ${before.baseConnection!.id}`)),
      ]),
    });
    await d.deleteFully();
  });

  it('does not delete while paused', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    d.obj = { ...d.obj, annotations: { [ANNOTATIONS.paused]: 'true' }, deletionTimestamp: DELETED_AT };
    await env.resetRequests();
    const res = await d.reconcile();
    expect(res.deletionComplete).toBe(false);
    expect(adobeCalls(await env.requests()).writes).toBe(0);
    expect((await env.inventory()).map((r) => r.id)).toContain(before.flow?.id);
    // Found by the soak (issue 16): the object stayed Terminating with the generic pause message;
    // it now says the deletion waits and what to do.
    expect(condition(res, 'Synced')).toMatchObject({
      reason: CONDITION_REASONS.ReconcilePaused,
      message: ENGINE_MESSAGES.pausedDeletion,
    });
    // Orphan needs no write: switching the policy lets the deletion finish while paused.
    d.obj = { ...d.obj, spec: { ...d.obj.spec, deletionPolicy: 'Orphan' } };
    expect((await d.reconcile()).deletionComplete).toBe(true);
    expect((await env.inventory()).map((r) => r.id)).toContain(before.flow?.id);
  });
});

describe('pause', () => {
  const env = useEnv();

  it('observes and reports a pending change but writes nothing until unpaused', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    d.obj = { ...d.obj, annotations: { [ANNOTATIONS.paused]: 'true' } };
    d.setSpec((s) => ({
      ...s,
      schedule: { ...s.schedule, interval: 30 },
      source: { ...s.source, projectId: '4242' },
    }));
    await env.resetRequests();
    const paused = await d.reconcile();
    const calls = adobeCalls(await env.requests());
    expect(calls.writes).toBe(0);
    expect(calls.reads).toBeGreaterThan(0);
    expect(condition(paused, 'Synced')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.ReconcilePaused,
    });
    expect(condition(paused, 'Ready')).toMatchObject({
      status: 'False',
      reason: CONDITION_REASONS.OutOfSync,
    });
    expect(paused.plan.map((op) => `${op.verb} ${op.link}`)).toEqual(
      expect.arrayContaining(['replace sourceConnection', 'replace flow']),
    );
    expect(paused.status.flow?.id).toBe(before.flow?.id);
    d.obj = { ...d.obj, annotations: {} };
    const resumed = await d.reconcile();
    expect(isSynced(resumed) && isReady(resumed)).toBe(true);
    expect(resumed.status.flow?.id).not.toBe(before.flow?.id);
  });

  it('creates nothing for a paused new CR', async () => {
    const d = new Driver(env);
    d.obj = { ...d.obj, annotations: { [ANNOTATIONS.paused]: 'true' } };
    await env.resetRequests();
    const res = await d.reconcile();
    expect(adobeCalls(await env.requests()).writes).toBe(0);
    expect(res.status.flow).toBeUndefined();
    expect(condition(res, 'Ready')?.status).toBe('False');
  });
});

describeSecretHygiene();
