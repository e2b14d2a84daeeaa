import { KubeConfig } from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBinaries } from './assets.js';
import type { ControlPlaneBinaries } from './assets.js';
import { renderKubeconfig } from './kubeconfig.js';
import { clientFiles, createClientCredentials, createPki, pkiPaths } from './pki.js';
import type { ControlPlanePki } from './pki.js';
import { isAlive, startProcess, stopProcess } from './processes.js';
import type { RunningProcess } from './processes.js';
import { apiserverSpec, etcdSpec, freePorts } from './flags.js';
import { waitForOk } from './readiness.js';
import type { TlsClient } from './readiness.js';
import { readState, reapStaleControlPlanes, stopFromState, writeState } from './state.js';
import type { ControlPlaneState } from './state.js';
import { runRegistryDir } from './paths.js';

/** Options of startControlPlane. */
export interface StartOptions {
  /** Where to keep the state file; default: a new entry in the user-level run registry. */
  statePath?: string;
  /** true: it outlives this process (cluster:up); false: a watchdog stops it once this process dies. */
  detached?: boolean;
  /** Progress lines (binary build, retries). */
  log?: (line: string) => void;
}

/** Error messages of the control plane. */
export const CONTROL_PLANE_ERRORS = {
  startFailed: 'control plane did not start',
  stopped: 'control plane is stopped',
} as const;

const START_ATTEMPTS = 3; // a port taken between probing and binding makes one attempt fail
const ETCD_READY_MS = 30_000;
// Generous: on a loaded 2-core machine the RBAC bootstrap hooks alone can take tens of seconds.
const APISERVER_READY_MS = 120_000;

/** Handle on a running kube-apiserver + etcd; any process can get one from the state file. */
export class ControlPlane {
  private constructor(
    /** Path of the state file that describes this control plane. */
    readonly statePath: string,
    private state: ControlPlaneState,
  ) {}

  /** Attaches to a control plane started elsewhere (jest global setup, cluster:up). */
  static async attach(statePath: string): Promise<ControlPlane> {
    const state = await readState(statePath);
    if (!state) throw new Error(`${CONTROL_PLANE_ERRORS.stopped}: no ${statePath}`);
    return new ControlPlane(statePath, state);
  }

  /** @internal Used by startControlPlane. */
  static fromState(statePath: string, state: ControlPlaneState): ControlPlane {
    return new ControlPlane(statePath, state);
  }

  /** https://127.0.0.1:<port> of the API server. */
  get server(): string {
    return this.state.server;
  }

  /** Path of the admin kubeconfig (user `admin` in group system:masters). */
  get kubeconfigPath(): string {
    return this.state.kubeconfigPath;
  }

  /** Pids of etcd and kube-apiserver as last recorded. */
  get pids(): { etcd: number; apiserver: number } {
    return { etcd: this.state.etcd.pid, apiserver: this.state.apiserver.pid };
  }

  /** The admin kubeconfig loaded into @kubernetes/client-node. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromFile(this.state.kubeconfigPath);
    return kc;
  }

  /**
   * Writes a kubeconfig for another user (client cert from the same CA) and returns its path. A user
   * with no RBAC bindings can do almost nothing; use it to test least privilege.
   */
  async writeUserKubeconfig(user: string, groups: readonly string[] = []): Promise<string> {
    const pki = pkiIn(this.state.dir);
    const creds = await createClientCredentials(pki, user, groups);
    const path = clientFiles(pki, user).cert.replace(/\.crt$/, '.kubeconfig');
    await writeFile(path, renderKubeconfig(this.server, await readFile(pki.caCert, 'utf8'), user, creds));
    return path;
  }

  /**
   * Stops kube-apiserver and starts it again on the same port and etcd, so data survives and every
   * open watch is cut (clients must re-list or resume). Resolves once /readyz answers 200.
   */
  async restartApiServer(): Promise<void> {
    await this.refresh();
    await stopProcess(this.state.apiserver);
    const apiserver = startProcess(this.state.apiserver);
    this.state = { ...this.state, apiserver };
    await writeState(this.statePath, this.state);
    await waitForOk(apiserver, `${this.server}/readyz`, APISERVER_READY_MS, adminTls(this.state.dir));
  }

  /** Stops both processes (SIGTERM, then SIGKILL), removes the temp folder and the state file. */
  async stop(): Promise<void> {
    await this.refresh();
    await stopFromState(this.statePath, this.state);
  }

  /** True while both processes run. */
  isRunning(): boolean {
    return isAlive(this.state.etcd.pid) && isAlive(this.state.apiserver.pid);
  }

  // Another process (a test worker) may have restarted the apiserver since this handle was made.
  private async refresh(): Promise<void> {
    this.state = (await readState(this.statePath)) ?? this.state;
  }
}

/**
 * Starts etcd and kube-apiserver on free loopback ports with throwaway certificates, waits for etcd
 * /health, apiserver /readyz and the `default` namespace, and returns a handle. Stale control planes
 * of dead test runs are reaped first; a failed attempt (e.g. a port race) is retried with new ports.
 */
export async function startControlPlane(options: StartOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? (() => {});
  await reapStaleControlPlanes();
  const binaries = await ensureBinaries(log);
  const statePath =
    options.statePath ?? join(runRegistryDir(), `${process.pid}-${randomBytes(4).toString('hex')}.json`);
  const detached = options.detached ?? false;
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return ControlPlane.fromState(statePath, await startOnce(binaries, statePath, detached));
    } catch (err) {
      lastError = err;
      log(`control plane attempt ${attempt} failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`${CONTROL_PLANE_ERRORS.startFailed}: ${(lastError as Error).message}`, {
    cause: lastError,
  });
}

async function startOnce(
  binaries: ControlPlaneBinaries,
  statePath: string,
  detached: boolean,
): Promise<ControlPlaneState> {
  const dir = await mkdtemp(join(tmpdir(), 'mdc-cluster-'));
  const started: RunningProcess[] = [];
  try {
    await mkdir(join(dir, 'pki'), { mode: 0o700 });
    const pki = await createPki(join(dir, 'pki'));
    const [etcdPort, peerPort, apiPort] = await freePorts(3);
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const server = `https://127.0.0.1:${apiPort}`;
    const etcd = startProcess(etcdSpec(resolve(binaries.etcd), dir, etcdUrl, peerPort!));
    started.push(etcd);
    const kubeconfigPath = join(dir, 'kubeconfig');
    const admin = await createClientCredentials(pki, 'admin', ['system:masters']);
    await writeFile(
      kubeconfigPath,
      renderKubeconfig(server, await readFile(pki.caCert, 'utf8'), 'admin', admin),
    );
    // Record the state as soon as a process exists, so an interrupted start is still reaped.
    const spec = apiserverSpec(resolve(binaries.kubeApiserver), dir, pki, etcdUrl, apiPort!);
    const state: ControlPlaneState = {
      dir,
      ownerPid: detached ? null : process.pid,
      server,
      etcdUrl,
      kubeconfigPath,
      etcd,
      apiserver: { ...spec, pid: -1 },
    };
    await writeState(statePath, state);
    if (!detached) startWatchdog(statePath);
    await waitForOk(etcd, `${etcdUrl}/health`, ETCD_READY_MS);

    const apiserver = startProcess(spec);
    started.push(apiserver);
    state.apiserver = apiserver;
    await writeState(statePath, state);
    const tls = adminTls(dir);
    await waitForOk(apiserver, `${server}/readyz`, APISERVER_READY_MS, tls);
    // The default namespace appears shortly after readiness (a post-start hook creates it).
    await waitForOk(apiserver, `${server}/api/v1/namespaces/default`, 30_000, tls);
    return state;
  } catch (err) {
    for (const proc of started.reverse()) await stopProcess(proc);
    await rm(dir, { recursive: true, force: true });
    await rm(statePath, { force: true });
    throw err;
  }
}

// A detached node process that stops this control plane if the current process dies without
// stopping it (exit hooks cannot do this from inside jest's sandboxed `process`, nor after SIGKILL).
function startWatchdog(statePath: string): void {
  const script = fileURLToPath(new URL('./watchdog.js', import.meta.url));
  spawn(process.execPath, [script, String(process.pid), statePath], {
    detached: true,
    stdio: 'ignore',
  }).unref();
}

function pkiIn(dir: string): ControlPlanePki {
  return pkiPaths(join(dir, 'pki'));
}

function adminTls(dir: string): TlsClient {
  const pki = pkiIn(dir);
  const admin = clientFiles(pki, 'admin');
  return {
    ca: readFileSync(pki.caCert, 'utf8'),
    cert: readFileSync(admin.cert, 'utf8'),
    key: readFileSync(admin.key, 'utf8'),
  };
}
