import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ControlPlane } from './control-plane.js';
import { kubectlPath } from './cli-tools.js';

/** Env var naming the state file of the run's shared control plane (set by the global setup). */
export const CLUSTER_ENV = 'MDC_TEST_CLUSTER_STATE';

/** Label put on every namespace made by createTestNamespace. */
export const TEST_NAMESPACE_LABEL = 'mixpanel-dataflow-controller/test';

/** Error messages of the test helpers. */
export const TEST_CLUSTER_ERRORS = {
  noCluster: `no test control plane: run cluster tests as *.cluster.test.ts so jest's cluster project starts one (${CLUSTER_ENV} unset)`,
} as const;

/** The run's shared control plane (started by the jest global setup). */
export async function testControlPlane(): Promise<ControlPlane> {
  const statePath = process.env[CLUSTER_ENV];
  if (!statePath) throw new Error(TEST_CLUSTER_ERRORS.noCluster);
  return ControlPlane.attach(statePath);
}

/** Admin KubeConfig (system:masters) of the run's shared control plane. */
export function testKubeConfig(): KubeConfig {
  if (!process.env[CLUSTER_ENV] || !process.env.KUBECONFIG) throw new Error(TEST_CLUSTER_ERRORS.noCluster);
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG);
  return kc;
}

/**
 * Creates a fresh namespace for one test (`<prefix>-<random>`) and returns its name. There is no
 * namespace controller, so namespaces are never finalized; each test simply uses a new one.
 */
export async function createTestNamespace(prefix = 'test'): Promise<string> {
  const slug =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'test';
  const name = `${slug}-${randomBytes(4).toString('hex')}`;
  const api = testKubeConfig().makeApiClient(CoreV1Api);
  await api.createNamespace({ body: { metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: 'true' } } } });
  return name;
}

/** Result of one kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real kubectl against the run's control plane (KUBECONFIG from the global setup unless
 * options.kubeconfig is given). Never throws on a non-zero exit: callers assert on `code`.
 */
export async function kubectl(
  args: readonly string[],
  options: { input?: string; kubeconfig?: string } = {},
): Promise<KubectlResult> {
  const bin = await kubectlPath();
  const kubeconfig = options.kubeconfig ?? process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error(TEST_CLUSTER_ERRORS.noCluster);
  return new Promise((resolve, reject) => {
    const child = execFile(
      bin,
      args,
      { env: { ...process.env, KUBECONFIG: kubeconfig }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        if (err && code === -1) reject(err);
        else resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** Restarts the shared kube-apiserver (same port and etcd), cutting every watch; data survives. */
export async function restartApiServer(): Promise<void> {
  await (await testControlPlane()).restartApiServer();
}
