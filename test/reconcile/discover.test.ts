/**
 * Discovery without status, through the engine's port: names find what a first create made; a
 * chain that went through a replace is followed from its base connection. The engine runs it for
 * every CR without a recorded base connection, so the cluster and local mode recover alike.
 */
import { describe, expect, it } from '@jest/globals';
import {
  desiredChain,
  discoverChain,
  EVENT_REASONS,
  resolveMixpanel,
  type DataflowObject,
  type SecretsByName,
} from '../../controller/reconcile/index.js';
import { SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import type { Env } from './harness.js';
import { Driver, type SimResource, useEnv } from './harness.js';

function desiredOf(d: Driver) {
  const mixpanel = resolveMixpanel(d.obj as DataflowObject, d.secrets as SecretsByName);
  if (!mixpanel.ok) throw new Error('test secrets are incomplete');
  return desiredChain(d.obj, mixpanel.value);
}

/** This CR's resources in the simulator, by kind. */
async function mine(
  env: Env,
  d: Driver,
): Promise<Record<'base' | 'source' | 'target' | 'flow', SimResource[]>> {
  const all = await env.inventory();
  const of = (kind: string) =>
    all.filter(
      (r) => r.kind === kind && (String(r.name).includes(d.obj.uid) || r.name === `analytics/${d.obj.name}`),
    );
  return {
    base: of('connections'),
    source: of('sourceConnections'),
    target: of('targetConnections'),
    flow: of('flows'),
  };
}

const writesOf = (counts: Record<string, number>) =>
  Object.keys(counts).filter((k) => /^(POST|PUT|DELETE) \/data/.test(k));

describe('discovery of an earlier chain', () => {
  const env = useEnv();

  const port = () => env.connector.connect({ ...SIMULATOR_DEFAULTS, sandbox: 'prod' });

  it('follows a chain across a replace to the live flow', async () => {
    const d = new Driver(env);
    await d.converge();
    d.setSpec((s) => ({ ...s, source: { ...s.source, projectId: '7777777' } }));
    const live = (await d.converge()).status;
    const { found, absent } = await discoverChain(port(), desiredOf(d), {});
    expect(found).toEqual({
      baseConnection: { id: live.baseConnection?.id, etag: expect.any(String) },
      sourceConnection: { id: live.sourceConnection?.id, etag: expect.any(String) },
      targetConnection: { id: live.targetConnection?.id },
      flow: { id: live.flow?.id, etag: expect.any(String) },
      mappingSet: { id: live.mappingSet?.id, version: live.mappingSet?.version },
    });
    expect([...absent]).toEqual([]);
  });

  it('adopts that chain when status is lost: no create, no delete, the same ids', async () => {
    const d = new Driver(env);
    await d.converge();
    d.setSpec((s) => ({ ...s, source: { ...s.source, projectId: '7777778' } }));
    const live = (await d.converge()).status;
    d.obj = { ...d.obj, status: {} };
    await env.resetRequests();
    const res = await d.converge();
    expect(writesOf(await env.requests())).toEqual([]);
    for (const link of ['baseConnection', 'sourceConnection', 'targetConnection', 'flow'] as const)
      expect(res.status[link]?.id).toBe(live[link]?.id);
    expect(res.events.map((e) => e.reason)).toContain(EVENT_REASONS.Adopted);
    const links = await mine(env, d);
    expect([links.base, links.source, links.target, links.flow].map((l) => l.length)).toEqual([1, 1, 1, 1]);
  });

  it('deletes what a replace left behind when its pending deletions were lost with the status', async () => {
    const d = new Driver(env);
    await d.converge();
    await env.faults([{ method: 'DELETE', path: '/flowservice/', status: 500 }]);
    d.setSpec((s) => ({ ...s, source: { ...s.source, projectId: '7777779' } }));
    const replaced = await d.reconcile();
    expect(replaced.status.pendingDeletions?.length).toBe(3);
    await env.clearFaults();
    const live = replaced.status;
    d.obj = { ...d.obj, status: {} };
    const res = await d.converge();
    expect(res.status.flow?.id).toBe(live.flow?.id);
    expect(res.status.pendingDeletions).toBeUndefined();
    const links = await mine(env, d);
    expect(links.source.map((r) => r.id)).toEqual([live.sourceConnection?.id]);
    expect(links.target.map((r) => r.id)).toEqual([live.targetConnection?.id]);
    expect(links.flow.map((r) => r.id)).toEqual([live.flow?.id]);
  });

  it('finds the links of a chain without a flow by their first-create names', async () => {
    const d = new Driver(env);
    const desired = desiredOf(d);
    const fresh = await discoverChain(port(), desired, {});
    expect(fresh.found).toEqual({});
    expect([...fresh.absent].sort()).toEqual(['baseConnection', 'mappingSet', 'targetConnection']);
    // A chain whose flow create never happened: everything but the flow exists.
    await d.reconcile({ connect: (c) => withoutFlowCreate(env.connector.connect(c)) });
    const { found, absent } = await discoverChain(port(), desired, {});
    const links = await mine(env, d);
    expect(found.baseConnection?.id).toBe(links.base[0]?.id);
    expect(found.sourceConnection?.id).toBe(links.source[0]?.id);
    expect(found.targetConnection?.id).toBe(links.target[0]?.id);
    expect(found.mappingSet).toBeDefined();
    expect(found.flow).toBeUndefined();
    expect([...absent]).toEqual(['flow']);
  });
});

/** A port whose flow create fails (the process died right before it). */
function withoutFlowCreate<T extends object>(port: T): T {
  return new Proxy(port, {
    get: (target, prop, receiver) =>
      prop === 'createFlow'
        ? () => Promise.reject(new Error('died before creating the flow'))
        : (Reflect.get(target, prop, receiver) as unknown),
  });
}
