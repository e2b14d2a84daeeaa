import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { createTestNamespace } from '../cluster/test-cluster.js';
import { chainAudit } from './support/chains.js';
import { killAll, startController, type ControllerProcess } from './support/controller-process.js';
import { apply, condition, dataflows, kubectlOk } from './support/kube.js';
import { dataflowManifest, list, secretsManifest } from './support/manifests.js';
import { seedDataset, simState } from './support/sim.js';
import { waitFor } from './support/wait.js';

const LEASE_S = 4;
const RETRY_S = 1;
const LEASE_NAME = 'mixpanel-dataflow-controller';

describe('two controller processes with leader election', () => {
  let sim: RunningSimulator;
  let ns: string;
  let target: { datasetId: string; schemaId: string };
  const controllers: ControllerProcess[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ns = await createTestNamespace('e2e-leader');
    target = await seedDataset(sim.url);
    await apply(secretsManifest(ns));
    for (let i = 0; i < 2; i++)
      controllers.push(
        startController({
          kubeconfig: process.env.KUBECONFIG!,
          simUrl: sim.url,
          namespaces: [ns],
          extraArgs: [
            '--leader-elect=true',
            `--leader-election-namespace=${ns}`,
            `--lease-duration=${LEASE_S}s`,
            '--renew-deadline=3s',
            `--retry-period=${RETRY_S}s`,
          ],
          env: { POD_NAME: `controller-${i}` },
        }),
      );
  }, 60_000);

  afterAll(async () => {
    await killAll(controllers);
    await sim?.close();
  });

  const leads = (c: ControllerProcess) => c.logs.some((l) => l.msg === 'became leader; starting workers');
  const reconciles = (c: ControllerProcess) => c.logs.filter((l) => l.msg === 'reconciled').length;
  const masterStatus = async (c: ControllerProcess) => {
    const text = await (await fetch(`http://127.0.0.1:${await c.metricsPort()}/metrics`)).text();
    return Number(
      new RegExp(`leader_election_master_status\\{name="${LEASE_NAME}"\\} (\\d)`).exec(text)?.[1],
    );
  };
  const createAndWait = async (names: string[]) => {
    await apply(list(names.map((n) => dataflowManifest(ns, n, target))));
    return waitFor(
      async () => {
        const all = await dataflows(ns);
        return names.every(
          (n) =>
            condition(
              all.find((cr) => cr.metadata.name === n),
              'Ready',
            )?.status === 'True',
        )
          ? all
          : undefined;
      },
      { timeoutMs: 60_000, what: `${names.join(', ')} Ready` },
    );
  };

  it('lets only the leader reconcile; the other takes over after a SIGKILL within the lease duration', async () => {
    const leader = await waitFor(() => controllers.find(leads), { timeoutMs: 30_000, what: 'a leader' });
    const standby = controllers.find((c) => c !== leader)!;
    await createAndWait(['le-0', 'le-1', 'le-2', 'le-3']);
    expect(reconciles(leader)).toBeGreaterThan(0);
    expect(reconciles(standby)).toBe(0);
    expect(leads(standby)).toBe(false);
    expect([await masterStatus(leader), await masterStatus(standby)]).toEqual([1, 0]);

    leader.kill('SIGKILL');
    const killedAt = Date.now();
    await leader.exited;
    await waitFor(() => leads(standby), { timeoutMs: 20_000, what: 'standby takes over' });
    const takeoverMs = Date.now() - killedAt;
    // The lease runs out LEASE_S after its last renewal; the standby checks every RETRY_S (+20 % jitter).
    expect(takeoverMs).toBeLessThanOrEqual((LEASE_S + 1.5 * RETRY_S) * 1000);
    process.stderr.write(`[leader-election] takeover after SIGKILL: ${takeoverMs} ms (lease ${LEASE_S} s)\n`);

    const all = await createAndWait(['le-4', 'le-5']);
    const audit = chainAudit(all, await simState(sim.url));
    for (const kind of ['connections', 'sourceConnections', 'targetConnections', 'flows', 'mappingSets'])
      expect(audit[kind]).toMatchObject({ total: all.length, orphans: 0, missing: 0 });
  }, 120_000);

  it('on SIGTERM drains, releases the Lease and exits 0', async () => {
    const leader = controllers.find(
      (c) => c.proc.exitCode === null && c.proc.signalCode === null && leads(c),
    )!;
    leader.kill('SIGTERM');
    const code = await leader.exited;
    if (code !== 0) process.stderr.write(leader.output().slice(-2500));
    expect(code).toBe(0);
    const lease = JSON.parse(await kubectlOk(['get', 'lease', LEASE_NAME, '-n', ns, '-o', 'json']));
    expect(lease.spec.holderIdentity ?? '').toBe('');
  }, 60_000);

  it('exits at once with status 1 when another holder takes the Lease away', async () => {
    const c = startController({
      kubeconfig: process.env.KUBECONFIG!,
      simUrl: sim.url,
      namespaces: [ns],
      extraArgs: [
        '--leader-elect=true',
        `--leader-election-namespace=${ns}`,
        '--lease-duration=4s',
        '--renew-deadline=3s',
        '--retry-period=1s',
      ],
    });
    controllers.push(c);
    await waitFor(() => leads(c), { timeoutMs: 30_000, what: 'leader' });
    const takenAt = Date.now();
    await kubectlOk([
      'patch',
      'lease',
      LEASE_NAME,
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { holderIdentity: 'intruder', leaseDurationSeconds: 60 } }),
    ]);
    expect(await c.exited).toBe(1);
    // It stops once it could not renew for the renew deadline (3 s), checking every second.
    expect(Date.now() - takenAt).toBeLessThan(6_000);
    expect(c.logs.some((l) => l.msg === 'lost leadership')).toBe(true);
  }, 60_000);
});
