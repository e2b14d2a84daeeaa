import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ControlPlanePki } from './pki.js';
import type { ProcessSpec } from './processes.js';

/** Command line of etcd: one member on loopback, data in the control plane's folder. */
export function etcdSpec(bin: string, dir: string, url: string, peerPort: number): ProcessSpec {
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  return {
    name: 'etcd',
    bin,
    logFile: join(dir, 'etcd.log'),
    args: [
      '--name=test',
      `--data-dir=${join(dir, 'etcd-data')}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=test=${peerUrl}`,
      '--unsafe-no-fsync=true', // etcd >= 3.5; test data need not survive a power cut
      '--log-level=warn',
    ],
  };
}

/** Command line of kube-apiserver: envtest's flags, RBAC, client-cert auth, loopback only. */
export function apiserverSpec(
  bin: string,
  dir: string,
  pki: ControlPlanePki,
  etcdUrl: string,
  port: number,
): ProcessSpec {
  return {
    name: 'kube-apiserver',
    bin,
    logFile: join(dir, 'kube-apiserver.log'),
    // envtest's defaults (controller-runtime controlplane/apiserver.go) plus an explicit advertise
    // address, which avoids the default-route lookup that fails in network namespaces without one.
    args: [
      '--advertise-address=127.0.0.1',
      '--allow-privileged=true',
      '--authorization-mode=RBAC',
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${pki.dir}`,
      `--tls-cert-file=${pki.servingCert}`,
      `--tls-private-key-file=${pki.servingKey}`,
      `--client-ca-file=${pki.caCert}`,
      // No controller-manager creates the `default` ServiceAccount, so its admission would reject pods.
      '--disable-admission-plugins=ServiceAccount',
      `--etcd-servers=${etcdUrl}`,
      `--service-account-issuer=https://127.0.0.1:${port}`,
      `--service-account-key-file=${pki.serviceAccountPublicKey}`,
      `--service-account-signing-key-file=${pki.serviceAccountPrivateKey}`,
      '--service-cluster-ip-range=10.0.0.0/24',
    ],
  };
}

// Holds all listeners open together so the ports are distinct, then releases them for the children.
/** Distinct free loopback ports (a race with another process is possible; callers retry). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (srv) =>
        new Promise<number>((ok, fail) => {
          srv.once('error', fail);
          srv.listen(0, '127.0.0.1', () => ok((srv.address() as { port: number }).port));
        }),
    ),
  );
  await Promise.all(servers.map((srv) => new Promise((ok) => srv.close(ok))));
  return ports;
}
