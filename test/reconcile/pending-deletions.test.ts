/**
 * Replaced resources wait in status.pendingDeletions until they are deleted, and status holds at
 * most MAX_PENDING_DELETIONS of them (the schema's bound). When Adobe keeps refusing the deletes
 * while the spec keeps forcing replacements, the engine holds further replacements back with a
 * visible condition rather than drop an entry (which would orphan that resource in Adobe).
 */
import { describe, expect, it } from '@jest/globals';
import { MAX_PENDING_DELETIONS } from '../../controller/api/index.js';
import { CONDITION_REASONS } from '../../controller/reconcile/index.js';
import type { DataflowStatus } from '../../controller/reconcile/types.js';
import type { Env } from './harness.js';
import { condition, Driver, statusSchemaProblems, type SimResource, useEnv } from './harness.js';

const REPLACEMENTS = MAX_PENDING_DELETIONS + 1;

/** This CR's connections and flows in the simulator (mapping sets are never deleted). */
async function resourcesOf(env: Env, d: Driver): Promise<SimResource[]> {
  const kinds = ['connections', 'sourceConnections', 'targetConnections', 'flows'];
  return (await env.inventory()).filter(
    (r) =>
      kinds.includes(r.kind) && (String(r.name).includes(d.obj.uid) || r.name === `analytics/${d.obj.name}`),
  );
}

/** Ids status knows: the live chain and the pending deletions. */
const known = (s: DataflowStatus): string[] =>
  [
    s.baseConnection?.id,
    s.sourceConnection?.id,
    s.targetConnection?.id,
    s.flow?.id,
    ...(s.pendingDeletions ?? []).map((r) => r.id),
  ].filter((id): id is string => id !== undefined);

describe('pending deletions', () => {
  const env = useEnv();

  it(`drives ${REPLACEMENTS} replacements while Adobe refuses deletes: nothing dropped, nothing orphaned`, async () => {
    const d = new Driver(env);
    await d.converge();
    await env.faults([{ method: 'DELETE', path: '/flowservice/', status: 500 }]);
    let held = 0;
    for (let i = 1; i <= REPLACEMENTS; i++) {
      d.setSpec((s) => ({ ...s, source: { ...s.source, projectId: `90${i}` } }));
      const res = await d.reconcile();
      const pending = res.status.pendingDeletions ?? [];
      expect(pending.length).toBeLessThanOrEqual(MAX_PENDING_DELETIONS);
      // Every resource of this CR in Adobe is either live or tracked for deletion.
      const orphans = (await resourcesOf(env, d)).filter((r) => !known(res.status).includes(r.id));
      expect(orphans).toEqual([]);
      if (res.error?.reason === CONDITION_REASONS.DeletionsPending) {
        held++;
        expect(condition(res, 'Synced')).toMatchObject({
          status: 'False',
          reason: CONDITION_REASONS.DeletionsPending,
        });
        expect(condition(res, 'Ready')?.status).toBe('False');
        expect(res.action.requeueAfterMs).not.toBeNull();
      }
    }
    // Each replacement retires a source, a target and a flow: the list fills after five.
    expect(held).toBe(REPLACEMENTS - Math.floor(MAX_PENDING_DELETIONS / 3));
    await env.clearFaults();
    const done = await d.converge();
    expect(done.status.pendingDeletions).toBeUndefined();
    const left = await resourcesOf(env, d);
    expect(left.map((r) => r.kind).sort()).toEqual([
      'connections',
      'flows',
      'sourceConnections',
      'targetConnections',
    ]);
    expect(left.map((r) => r.id).sort()).toEqual(known(done.status).sort());
    const source = left.find((r) => r.kind === 'sourceConnections');
    expect(source?.doc.params.projectId).toBe(`90${REPLACEMENTS}`);
    expect(statusSchemaProblems()).toEqual([]);
  });
});
