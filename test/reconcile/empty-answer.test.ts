import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Driver, Env, isReady, isSynced } from './harness.js';

// Found by the soak (issue 16, seed 16): a gateway answered a base connection GET with 200 and an
// empty `{"items":[]}`. The engine read that as "deleted outside the controller", created a second
// base connection and replaced the chain onto it; the first base connection was never deleted and
// outlived the dataflow. Adobe answers a missing id with 404; a 200 without the item proves nothing.
describe('a GET by id answered 200 with no item', () => {
  let env: Env;
  beforeAll(async () => {
    env = await Env.start();
  });
  afterAll(async () => env.close());

  it('is retried as a broken answer, not taken for a deletion: still one chain, nothing recreated', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    const ids = (await env.inventory()).map((r) => r.id).sort();
    // slow-body without afterHandler trickles `{"items":[],"_links":{}}` instead of the real answer.
    await env.faults([
      {
        method: 'GET',
        path: `/connections/${before.baseConnection!.id}$`,
        response: { kind: 'slow-body', intervalMs: 1 },
      },
    ]);
    const hiccup = await d.reconcile();
    expect(isSynced(hiccup)).toBe(false);
    expect(hiccup.status.baseConnection?.id).toBe(before.baseConnection!.id);
    await env.clearFaults();
    const res = await d.converge();
    expect(isReady(res) && isSynced(res)).toBe(true);
    expect(res.status.baseConnection?.id).toBe(before.baseConnection!.id);
    expect(res.status.flow?.id).toBe(before.flow!.id);
    expect((await env.inventory()).map((r) => r.id).sort()).toEqual(ids);
  });
});
