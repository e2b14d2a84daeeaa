import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Driver, Env, isReady, isSynced } from './harness.js';

// Broken answers taken for "nothing there" made the engine create a second copy of what exists.
// Adobe answers a missing id with 404; a 200 without the item, or a list page of another shape,
// proves nothing and must be retried.
describe('a GET by id answered 200 with no item', () => {
  let env: Env;
  beforeAll(async () => {
    env = await Env.start();
  });
  afterAll(async () => env.close());

  // Found by the soak (issue 16, seed 16): a gateway answered a base connection GET with 200 and an
  // empty `{"items":[]}`; the engine read "deleted outside the controller", created a second base
  // connection and replaced the chain onto it; the first one outlived the dataflow's deletion.
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

  // Found by the response fuzz (issue 16): a mapping set created under a lost answer, then a Data
  // Prep list answered with a document of another shape, read as an empty page: a second mapping set.
  it('a list page of another shape is not an empty list: the lost mapping set is adopted, not doubled', async () => {
    const d = new Driver(env);
    const names = async () =>
      (await env.inventory('mappingSets')).filter((m) => String(m.name ?? m.doc?.name).includes(d.obj.uid));
    await env.faults([
      {
        method: 'POST',
        path: '/mappingSets$',
        times: 1,
        response: { kind: 'html-gateway', afterHandler: true },
      },
    ]);
    expect(isSynced(await d.reconcile())).toBe(false);
    expect(await names()).toHaveLength(1);
    await env.faults([
      { method: 'GET', path: '/mappingSets$', times: 1, response: { kind: 'unexpected-shape' } },
    ]);
    const broken = await d.reconcile();
    expect(isSynced(broken)).toBe(false);
    await env.clearFaults();
    const res = await d.converge();
    expect(isReady(res) && isSynced(res)).toBe(true);
    expect((await names()).map((m) => m.id)).toEqual([res.status.mappingSet?.id]);
  });
});
