/**
 * Discovery without status: the engine adopts first-create names by itself, so local mode only
 * follows chains that went through a replace (their names depend on the ids they replaced).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { discoverStatus, findReplacedChain } from '../../controller/local/discover.js';
import { createFlowServiceClient, type FlowServiceClient } from '../../controller/flowservice/index.js';
import {
  desiredChain,
  resolveMixpanel,
  type DataflowObject,
  type SecretsByName,
} from '../../controller/reconcile/index.js';
import { SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import { Driver, Env } from '../reconcile/harness.js';

function desiredOf(d: Driver) {
  const mixpanel = resolveMixpanel(d.obj as DataflowObject, d.secrets as SecretsByName);
  if (!mixpanel.ok) throw new Error('test secrets are incomplete');
  return desiredChain(d.obj, mixpanel.value);
}

describe('discovery of an earlier chain', () => {
  let env: Env;
  let client: FlowServiceClient;
  beforeAll(async () => {
    env = await Env.start();
    client = createFlowServiceClient({
      imsUrl: env.sim.url,
      platformUrl: env.sim.url,
      sandbox: 'prod',
      credentials: { ...SIMULATOR_DEFAULTS },
    });
  });
  afterAll(async () => {
    await client.close();
    await env.close();
  });

  const port = () => env.connector.connect({ ...SIMULATOR_DEFAULTS, sandbox: 'prod' });

  it('follows a chain across a replace to the live flow, which a reconcile then keeps without writes', async () => {
    const d = new Driver(env);
    await d.converge();
    d.setSpec((s) => ({ ...s, source: { ...s.source, projectId: '7777777' } }));
    const live = (await d.converge()).status;
    const found = await findReplacedChain(client, port(), desiredOf(d));
    expect(found).toEqual({
      baseConnection: { id: live.baseConnection?.id, etag: expect.any(String) },
      sourceConnection: { id: live.sourceConnection?.id },
      targetConnection: { id: live.targetConnection?.id },
      flow: { id: live.flow?.id },
    });
    // Restart with only what was discovered: the same chain, nothing created or replaced.
    d.obj = {
      ...d.obj,
      status: { ...found, appliedSourceCredentialsHash: live.appliedSourceCredentialsHash },
    };
    await env.resetRequests();
    const res = await d.reconcile();
    expect(res.status.flow?.id).toBe(live.flow?.id);
    expect(res.status.mappingSet?.id).toBe(live.mappingSet?.id);
    const writes = Object.keys(await env.requests()).filter((k) => /^(POST|PUT|PATCH|DELETE) \/data/.test(k));
    expect(writes).toEqual([]);
  });

  it('leaves a chain without a flow to the engine, and plan still finds its links read-only', async () => {
    const d = new Driver(env);
    const desired = desiredOf(d);
    expect(await findReplacedChain(client, port(), desired)).toBeUndefined();
    // A chain whose flow create never happened: everything but the flow exists.
    await d.reconcile({ connect: (c) => withoutFlowCreate(env.connector.connect(c)) });
    expect(await findReplacedChain(client, port(), desired)).toBeUndefined();
    const status = await discoverStatus(client, port(), desired);
    const before = await env.inventory();
    const ofUid = (kind: string) =>
      before.filter((r) => r.kind === kind && String(r.name).includes(d.obj.uid));
    expect(status.baseConnection?.id).toBe(ofUid('connections')[0]?.id);
    expect(status.sourceConnection?.id).toBe(ofUid('sourceConnections')[0]?.id);
    expect(status.targetConnection?.id).toBe(ofUid('targetConnections')[0]?.id);
    expect(status.mappingSet?.id).toBe(ofUid('mappingSets')[0]?.id);
    expect(status.flow).toBeUndefined();
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
