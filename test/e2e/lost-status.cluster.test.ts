/**
 * A dataflow whose status is lost after a replace (a restore from backup, a hand edit, a status
 * write that never landed): the restarted controller must find the live chain, which it cannot find
 * by name because a replacement's name depends on the id it replaced, and must delete what the
 * replace left behind. Before discovery served the cluster, this produced a second chain.
 */
import { describe, expect, it } from '@jest/globals';
import { waitSynced } from './support/dataflow-wait.js';
import { useE2eEnv } from './support/env.js';
import { apply, dataflow, kubectlOk, patchDataflow } from './support/kube.js';
import { dataflowManifest, list } from './support/manifests.js';
import { seedDataset, simFaults, simState, type SimResource } from './support/sim.js';
import { waitFor } from './support/wait.js';

const CHAIN_KINDS = ['connections', 'sourceConnections', 'targetConnections', 'flows'] as const;

describe('a dataflow whose status is wiped after a replace', () => {
  const env = useE2eEnv('e2e-lost-status');

  /** The connections and flows of the CR with this uid (names carry the uid; flows are named ns/name). */
  const chainOf = async (uid: string, name: string): Promise<Record<string, SimResource[]>> => {
    const { resources } = await simState(env.sim.url);
    return Object.fromEntries(
      CHAIN_KINDS.map((kind) => [
        kind,
        resources.filter(
          (r) => r.kind === kind && (String(r.name).includes(uid) || r.name === `${env.ns}/${name}`),
        ),
      ]),
    );
  };

  it('is restarted into exactly one chain, the replaced one deleted', async () => {
    const { sim, ns } = env;
    const target = await seedDataset(sim.url);
    const first = env.start();
    await apply(list([dataflowManifest(ns, 'wiped', target)]));
    const before = await waitSynced(ns, 'wiped');
    const uid = before.metadata.uid!;

    // Replace the source while Adobe refuses deletes: the old chain waits in pendingDeletions.
    await simFaults(sim.url, [{ method: 'DELETE', path: '/flowservice/', status: 500 }]);
    await patchDataflow(ns, 'wiped', { spec: { source: { projectId: '1000002' } } });
    const replaced = await waitFor(
      async () => {
        const cr = await dataflow(ns, 'wiped');
        return cr?.status?.pendingDeletions?.length === 3 && cr.status.flow?.id !== before.status?.flow?.id
          ? cr
          : undefined;
      },
      { what: 'replaced chain with the old one pending deletion' },
    );
    first.kill('SIGTERM');
    await first.exited;

    // Wipe status through the status subresource, as a restore without status would leave it.
    await kubectlOk([
      'patch',
      'mpdf',
      'wiped',
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: null }),
    ]);
    expect((await dataflow(ns, 'wiped'))?.status?.flow).toBeUndefined();
    expect(Object.values(await chainOf(uid, 'wiped')).map((r) => r.length)).toEqual([1, 2, 2, 2]);

    await simFaults(sim.url, []);
    env.start();
    const after = await waitSynced(ns, 'wiped', 2, 90_000);
    const live = replaced.status!;
    for (const link of ['baseConnection', 'sourceConnection', 'targetConnection', 'flow'] as const)
      expect({ link, id: after.status?.[link]?.id }).toEqual({ link, id: live[link]?.id });
    const chain = await waitFor(
      async () => {
        const c = await chainOf(uid, 'wiped');
        return Object.values(c).every((r) => r.length === 1) ? c : undefined;
      },
      { what: 'exactly one chain in Adobe', timeoutMs: 60_000 },
    );
    expect(chain['sourceConnections']![0]!.id).toBe(live.sourceConnection?.id);
    expect(chain['flows']![0]!.id).toBe(live.flow?.id);
    const ids = (await simState(sim.url)).resources.map((r) => r.id);
    for (const old of [
      before.status!.sourceConnection!.id,
      before.status!.targetConnection!.id,
      before.status!.flow!.id,
    ])
      expect(ids).not.toContain(old);
    // Adobe holds the old connections while the old flow is delete-finalizing: the controller keeps
    // them pending (Synced, the new chain runs) and deletes them on a recheck moments later.
    const cleaned = await waitFor(
      async () => {
        const cr = await dataflow(ns, 'wiped');
        return cr && cr.status?.pendingDeletions === undefined ? cr : undefined;
      },
      { what: 'no pending deletions left in status', timeoutMs: 60_000 },
    );
    expect(cleaned.status?.flow?.id).toBe(live.flow?.id);
  }, 180_000);
});
