// `npm run cluster:up` starts a kube-apiserver + etcd in the background for manual use and writes
// .cluster/kubeconfig; `npm run cluster:down` stops it. Both are idempotent.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { kubectlPath } from '../test/cluster/cli-tools.js';
import { installCrds } from '../test/cluster/crds.js';
import { ControlPlane, startControlPlane } from '../test/cluster/control-plane.js';
import { MANUAL_CLUSTER_DIR, REPO_ROOT } from '../test/cluster/paths.js';
import { readState, stopFromState } from '../test/cluster/state.js';

const statePath = join(MANUAL_CLUSTER_DIR, 'state.json');
const kubeconfig = join(MANUAL_CLUSTER_DIR, 'kubeconfig');
const shown = relative(process.cwd(), kubeconfig) || kubeconfig;

async function up(): Promise<void> {
  const existing = await readState(statePath);
  if (existing) {
    const plane = await ControlPlane.attach(statePath);
    if (plane.isRunning()) {
      console.log(`cluster: already running at ${plane.server}; KUBECONFIG=${shown}`);
      return;
    }
    await stopFromState(statePath, existing); // half-dead leftovers of an earlier session
  }
  const started = Date.now();
  await mkdir(MANUAL_CLUSTER_DIR, { recursive: true });
  const plane = await startControlPlane({
    statePath,
    detached: true,
    log: (l) => console.log(`cluster: ${l}`),
  });
  const crds = await installCrds(plane.kubeConfig(), join(REPO_ROOT, 'crds'));
  await copyFile(plane.kubeconfigPath, kubeconfig);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`cluster: up at ${plane.server} in ${seconds} s (CRDs installed: ${crds.length})`);
  console.log(`cluster: KUBECONFIG=${shown} kubectl get ns   # npm run cluster:down to stop`);
  console.log(`cluster: (no kubectl on PATH? use ${await kubectlPath()})`);
}

async function down(): Promise<void> {
  const state = await readState(statePath);
  if (state) await stopFromState(statePath, state);
  await rm(kubeconfig, { force: true });
  console.log(state ? 'cluster: stopped' : 'cluster: not running');
}

const command = process.argv[2];
if (command === 'up') await up();
else if (command === 'down') await down();
else {
  console.error('usage: tsx scripts/cluster.ts up|down');
  process.exitCode = 2;
}
