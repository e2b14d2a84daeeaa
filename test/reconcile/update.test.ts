import { describe, expect, it } from '@jest/globals';
import { EVENT_REASONS } from '../../controller/reconcile/index.js';
import type { AdobePort } from '../../controller/reconcile/ports.js';
import {
  adobeCalls,
  chainOf,
  condition,
  Driver,
  isReady,
  isSynced,
  describeSecretHygiene,
  useEnv,
  mappingOf,
} from './harness.js';

describe('updating in place what Adobe updates in place', () => {
  const env = useEnv();

  it('leaves an in-sync chain alone: no writes, identical status, no events', async () => {
    const d = new Driver(env);
    const first = await d.converge();
    await env.resetRequests();
    const again = await d.reconcile();
    expect(adobeCalls(await env.requests()).writes).toBe(0);
    expect(again.status).toEqual(first.status);
    expect(again.events).toEqual([]);
    expect(again.plan).toEqual([]);
    expect(again.error).toBeUndefined();
  });

  it('patches the schedule of the existing flow with its etag instead of replacing it', async () => {
    const d = new Driver(env);
    const before = await d.converge();
    d.setSpec((s) => ({ ...s, schedule: { ...s.schedule, frequency: 'hour', interval: 2 } }));
    await env.resetRequests();
    const res = await d.reconcile();
    expect(isSynced(res) && isReady(res)).toBe(true);
    expect(res.status.flow?.id).toBe(before.status.flow?.id);
    expect(res.status.flow?.etag).not.toBe(before.status.flow?.etag);
    const flow = (await chainOf(env, res.status)).flow;
    expect(flow?.doc.scheduleParams).toMatchObject({ frequency: 'hour', interval: '2' });
    expect(condition(res, 'Synced')?.observedGeneration).toBe(2);
    expect(await env.requests()).toMatchObject({ 'PATCH /data/foundation/flowservice/flows/{id}': 1 });
    expect(res.events.map((e) => e.reason)).toEqual([EVENT_REASONS.Updated]);
  });

  it('renames and redescribes the flow in place', async () => {
    const d = new Driver(env);
    const before = await d.converge();
    d.setSpec((s) => ({
      ...s,
      displayName: 'Purchases (Mixpanel)',
      description: 'Purchases from the web app',
    }));
    const res = await d.reconcile();
    const flow = (await chainOf(env, res.status)).flow;
    expect(flow?.id).toBe(before.status.flow?.id);
    expect(flow?.doc).toMatchObject({
      name: 'Purchases (Mixpanel)',
      description: 'Purchases from the web app',
    });
  });

  it('PUTs a changed mapping set, then points the flow at the new mapping version', async () => {
    const d = new Driver(env);
    const before = await d.converge();
    d.setSpec((s) => ({
      ...s,
      mappings: [...s.mappings, { source: 'time', destination: '_simtenant.time' }],
    }));
    await env.resetRequests();
    const res = await d.reconcile();
    expect(res.status.mappingSet).toEqual({ id: before.status.mappingSet?.id, version: 1 });
    const flow = (await chainOf(env, res.status)).flow;
    expect(mappingOf(flow?.doc).params.mappingId).toBe(before.status.mappingSet?.id);
    expect(Number(mappingOf(flow?.doc).params.mappingVersion)).toBe(1);
    // Adobe's own flow example has a Copy transformation before Mapping: it is left as it was.
    expect(flow?.doc.transformations.map((t: { name: string }) => t.name)).toEqual(['Copy', 'Mapping']);
    expect(await env.requests()).toMatchObject({
      'PUT /data/foundation/conversion/mappingSets/{id}': 1,
      'PATCH /data/foundation/flowservice/flows/{id}': 1,
    });
    // In sync afterwards: the version the flow uses is the one read back, so nothing is rewritten.
    await env.resetRequests();
    await d.reconcile();
    expect(adobeCalls(await env.requests()).writes).toBe(0);
  });

  it('disables and re-enables the flow through the action endpoint', async () => {
    const d = new Driver(env);
    await d.converge();
    d.setSpec((s) => ({ ...s, enabled: false }));
    const off = await d.reconcile();
    // Adobe passes through `disabling`: the engine looks again rather than assume it landed.
    expect((await chainOf(env, off.status)).flow?.state).toBe('disabling');
    expect(off.action.requeueAfterMs).not.toBeNull();
    expect(off.events.map((e) => e.reason)).toEqual([EVENT_REASONS.Disabled]);
    const settled = await d.converge();
    expect((await chainOf(env, settled.status)).flow?.state).toBe('disabled');
    expect(settled.status.flow?.state).toBe('disabled');
    d.setSpec((s) => ({ ...s, enabled: true }));
    const on = await d.converge();
    expect((await chainOf(env, on.status)).flow?.state).toBe('enabled');
    expect(on.status.flow?.state).toBe('enabled');
    expect(isReady(on)).toBe(true);
  });

  it('creates a flow disabled when the spec says enabled: false', async () => {
    const d = new Driver(env);
    d.setSpec((s) => ({ ...s, enabled: false }));
    const res = await d.converge();
    expect((await chainOf(env, res.status)).flow?.state).toBe('disabled');
  });

  it('re-observes and retries at once when a PATCH meets a 412', async () => {
    const d = new Driver(env);
    const before = await d.converge();
    const flowId = before.status.flow?.id as string;
    let sabotaged = false;
    // Someone edits the flow between our observation and our PATCH: the etag we hold is stale.
    d.wrapPort = (port: AdobePort): AdobePort => ({
      ...port,
      patchFlow: async (id, etag, ops) => {
        if (!sabotaged) {
          sabotaged = true;
          await env.control('PATCH', `resources/${flowId}`, { description: 'edited by someone else' });
        }
        return port.patchFlow(id, etag, ops);
      },
    });
    d.setSpec((s) => ({ ...s, schedule: { ...s.schedule, interval: 45 } }));
    await env.resetRequests();
    const res = await d.reconcile();
    expect(sabotaged).toBe(true);
    expect(isSynced(res) && isReady(res)).toBe(true);
    const flow = (await chainOf(env, res.status)).flow;
    expect(flow?.doc.scheduleParams.interval).toBe('45');
    expect(flow?.doc.description).not.toBe('edited by someone else');
    expect((await env.requests())['PATCH /data/foundation/flowservice/flows/{id}']).toBe(2);
  });
});

describeSecretHygiene();
