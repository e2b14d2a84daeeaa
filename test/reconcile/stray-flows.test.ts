import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chainOf, Driver, Env, isReady, isSynced } from './harness.js';

// Found by the soak (issue 16, seed 1): a flow whose create answer was lost stays on the old
// connections when a replace comes first; deleting them then failed with FLOW-1447-400 and the
// dataflow was stuck Terminal (ValidationFailed) with two source and target connections.
describe('a flow created under a lost answer, then a replace of its connections', () => {
  let env: Env;
  beforeAll(async () => {
    env = await Env.start();
  });
  afterAll(async () => env.close());

  async function strandFlowThenReplace(d: Driver) {
    const before = (await d.converge()).status;
    // The flow is deleted in the UI; recreating it, Adobe makes the flow but a gateway loses the answer.
    await env.control('DELETE', `resources/${before.flow!.id}`);
    await env.faults([
      { method: 'POST', path: '/flows$', times: 1, response: { kind: 'html-gateway', afterHandler: true } },
    ]);
    const lost = await d.reconcile();
    expect(isSynced(lost)).toBe(false);
    await env.clearFaults();
    const stranded = (await env.inventory('flows')).filter(
      (f) => f.doc.sourceConnectionIds[0] === before.sourceConnection!.id,
    );
    expect(stranded).toHaveLength(1);
    // Before the next reconcile the user moves the dataflow to another dataset: source and target are replaced.
    const other = await env.makeSchemaAndDataset();
    d.setSpec((s) => ({ ...s, target: { datasetId: other.datasetId, schemaId: other.schemaId } }));
    return { before, stranded: stranded[0]! };
  }

  it('deletes the stranded flow before the retired connections, and converges to one chain', async () => {
    const d = new Driver(env);
    const { before, stranded } = await strandFlowThenReplace(d);
    const res = await d.converge();
    expect(isReady(res) && isSynced(res)).toBe(true);
    expect(res.status.pendingDeletions).toBeUndefined();
    const all = await env.inventory();
    for (const id of [stranded.id, before.sourceConnection!.id, before.targetConnection!.id])
      expect(all.find((r) => r.id === id)).toBeUndefined();
    const flows = all.filter(
      (r) => r.kind === 'flows' && r.doc.sourceConnectionIds[0] === res.status.sourceConnection?.id,
    );
    expect(flows.map((f) => f.id)).toEqual([res.status.flow?.id]);
    expect((await chainOf(env, res.status)).flow?.doc.targetConnectionIds).toEqual([
      res.status.targetConnection?.id,
    ]);
  });

  it('deleting the dataflow then also deletes the stranded flow and both connection pairs', async () => {
    const d = new Driver(env);
    const { before, stranded } = await strandFlowThenReplace(d);
    // The replace runs, but the user deletes the dataflow before the retired pair is cleaned up.
    d.wrapPort = (port) => ({
      ...port,
      deleteConnection: async () => Promise.reject(new Error('network: socket hang up')),
    });
    await d.reconcile();
    d.wrapPort = (p) => p;
    const pending = d.obj.status?.pendingDeletions?.map((r) => r.id) ?? [];
    expect(pending).toEqual(
      expect.arrayContaining([before.sourceConnection!.id, before.targetConnection!.id]),
    );
    d.obj = { ...d.obj, deletionTimestamp: new Date().toISOString() };
    const res = await d.deleteFully();
    expect(res.deletionComplete).toBe(true);
    const left = (await env.inventory()).filter(
      (r) => r.kind !== 'mappingSets' && r.kind !== 'dataSets' && r.kind !== 'schemas',
    );
    expect(
      left.filter((r) =>
        [stranded.id, before.sourceConnection!.id, before.targetConnection!.id].includes(r.id),
      ),
    ).toEqual([]);
  });
});
