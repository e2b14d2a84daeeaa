import { join } from 'node:path';
import { startControlPlane } from './control-plane.js';
import { installCrds } from './crds.js';
import { REPO_ROOT } from './paths.js';
import { CLUSTER_ENV } from './test-cluster.js';

/**
 * Body of the jest globalSetup of the `cluster` project: one control plane for the whole run, only when the run
 * includes a `*.cluster.test.ts` file. Installs `crds/*.yaml`, then publishes the kubeconfig through
 * KUBECONFIG (so kubectl and client-node in tests find it) and the state file path for test helpers.
 */
export async function setupTestControlPlane(): Promise<void> {
  const started = Date.now();
  // If jest dies before its teardown (Ctrl-C, SIGKILL), the control plane's watchdog stops it.
  const plane = await startControlPlane({ log: (line) => process.stderr.write(`[cluster] ${line}\n`) });
  const crds = await installCrds(plane.kubeConfig(), join(REPO_ROOT, 'crds'));
  process.env.KUBECONFIG = plane.kubeconfigPath;
  process.env[CLUSTER_ENV] = plane.statePath;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`[cluster] kube-apiserver at ${plane.server} in ${seconds} s, CRDs: ${crds.length}\n`);
}
