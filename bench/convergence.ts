/**
 * Convergence benchmark: `npm run bench:convergence -- --crs 200 --latency-ms 50 [--rate 10]
 * [--burst 20] [--concurrency 4]`. Starts its own kube-apiserver + etcd, a simulator with added
 * latency on every request, and the controller as a child process; applies N MixpanelDataflows at
 * once and prints the time until all are Ready, Flow Service calls per CR, and the ratio of the
 * measured time to the lower bound max(critical path × latency, total calls / request rate).
 * The critical path (sequential round trips for one CR) is measured first with a single CR, with and
 * without a long probe latency. Convergence is polled every 500 ms.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from '../simulator/index.js';
import { startControlPlane } from '../test/cluster/control-plane.js';
import { installCrds } from '../test/cluster/crds.js';
import { REPO_ROOT } from '../test/cluster/paths.js';
import { startController } from '../test/e2e/support/controller-process.js';
import { apply, condition, dataflows, kubectlOk } from '../test/e2e/support/kube.js';
import { dataflowManifest, list, secretsManifest } from '../test/e2e/support/manifests.js';
import { countCalls, seedDataset, simFaults, simRequests } from '../test/e2e/support/sim.js';
import { waitFor } from '../test/e2e/support/wait.js';

const { values } = parseArgs({
  options: {
    crs: { type: 'string', default: '200' },
    'latency-ms': { type: 'string', default: '50' },
    rate: { type: 'string', default: '10' },
    burst: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '4' },
    // A long latency for the single-CR probe makes the round-trip count exact despite Kubernetes noise.
    'probe-latency-ms': { type: 'string', default: '1000' },
  },
});
const N = Number(values.crs);
const LATENCY = Number(values['latency-ms']);
const RATE = Number(values.rate);
const CONCURRENCY = Number(values.concurrency);
const PROBE_LATENCY = Number(values['probe-latency-ms']);

// Every Adobe call except IMS token requests and the simulator's control endpoints.
const ADOBE_CALL = /^(GET|POST|PUT|PATCH|DELETE) \/data\//;

async function allReady(ns: string, count: number): Promise<void> {
  await waitFor(
    async () => {
      const crs = await dataflows(ns);
      return crs.length === count && crs.every((cr) => condition(cr, 'Ready')?.status === 'True');
    },
    { timeoutMs: 3_600_000, intervalMs: 500, what: `${count} dataflows Ready` },
  );
}

async function run(): Promise<void> {
  const plane = await startControlPlane();
  const sim = await startSimulator({ port: 0 });
  const ctl = () =>
    startController({
      kubeconfig: plane.kubeconfigPath,
      simUrl: sim.url,
      namespaces: ['bench-one', 'bench'],
      syncPeriod: '1h',
      extraArgs: [
        `--flow-service-rate-limit=${RATE}`,
        `--flow-service-burst=${values.burst}`,
        `--max-concurrent-reconciles=${CONCURRENCY}`,
        '--log-level=info',
      ],
    });
  const controller = ctl();
  try {
    await installCrds(plane.kubeConfig(), join(REPO_ROOT, 'crds'));
    process.env.KUBECONFIG = plane.kubeconfigPath;
    for (const ns of ['bench-one', 'bench']) {
      await kubectlOk(['create', 'namespace', ns]);
      await apply(secretsManifest(ns));
    }
    const target = await seedDataset(sim.url);
    await controller.healthPort();
    await waitFor(async () => (await fetch(`http://127.0.0.1:${await controller.healthPort()}/readyz`)).ok, {
      timeoutMs: 60_000,
      what: 'controller ready',
    });

    // 1. One CR alone, without and with latency: the difference over the latency is the number of
    //    sequential Flow Service round trips (the critical path), free of Kubernetes overheads.
    const timeOne = async (name: string, count: number) => {
      const start = Date.now();
      await apply(list([dataflowManifest('bench-one', name, target)]));
      await allReady('bench-one', count);
      return Date.now() - start;
    };
    const zeroMs = await timeOne('zero', 1);
    await simFaults(sim.url, [{ latencyMs: PROBE_LATENCY }]);
    const oneMs = await timeOne('one', 2);
    const criticalPath = Math.max(1, Math.round((oneMs - zeroMs) / PROBE_LATENCY));
    await simFaults(sim.url, [{ latencyMs: LATENCY }]);

    // 2. N CRs at once.
    const before = countCalls(await simRequests(sim.url), ADOBE_CALL);
    const items = Array.from({ length: N }, (_, i) =>
      dataflowManifest('bench', `df-${i}`, target, {
        source: {
          projectId: String(4_000_000 + i),
          timezone: 'UTC',
          credentialsSecretRef: { name: 'mixpanel-service-account' },
        },
      }),
    );
    const t0 = Date.now();
    await apply(list(items));
    await allReady('bench', N);
    const elapsedMs = Date.now() - t0;
    const calls = countCalls(await simRequests(sim.url), ADOBE_CALL) - before;

    const pathBoundMs = criticalPath * LATENCY;
    // The bucket starts full: the first `burst` calls need no wait.
    const rateBoundMs = (Math.max(0, calls - Number(values.burst)) / RATE) * 1000;
    const boundMs = Math.max(pathBoundMs, rateBoundMs);
    const lines = [
      `crs=${N} latency=${LATENCY}ms rate=${RATE}/s burst=${values.burst} concurrency=${CONCURRENCY}`,
      `one CR alone: ${zeroMs} ms without latency, ${oneMs} ms with ${PROBE_LATENCY} ms → critical path ${criticalPath} round trips`,
      `time to all Ready: ${(elapsedMs / 1000).toFixed(1)} s`,
      `Flow Service calls: ${calls} total, ${(calls / N).toFixed(2)} per CR`,
      `bound: max(critical path ${pathBoundMs} ms, (calls − burst)/rate ${rateBoundMs.toFixed(0)} ms) = ${boundMs.toFixed(0)} ms`,
      `measured / bound = ${(elapsedMs / boundMs).toFixed(2)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    controller.kill('SIGKILL');
    await controller.exited;
    await sim.close();
    await plane.stop();
  }
}

await run();
