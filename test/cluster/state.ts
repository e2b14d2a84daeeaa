import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive, stopProcess } from './processes.js';
import type { RunningProcess } from './processes.js';
import { runRegistryDir } from './paths.js';

/**
 * Everything needed to find, restart or stop one control plane from any process: the jest parent,
 * a test worker, or `npm run cluster:down`. Written atomically on every change.
 */
export interface ControlPlaneState {
  /** Folder holding pki, etcd data, logs and the kubeconfig; removed on stop. */
  dir: string;
  /** Process whose exit ends this control plane (reaped on a later start if it died); null when detached. */
  ownerPid: number | null;
  server: string;
  etcdUrl: string;
  kubeconfigPath: string;
  etcd: RunningProcess;
  apiserver: RunningProcess;
}

/** Writes the state file atomically (temp file + rename), so readers never see half a file. */
export async function writeState(path: string, state: ControlPlaneState): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2));
  await rename(tmp, path);
}

/** Reads a state file; undefined if it does not exist. */
export async function readState(path: string): Promise<ControlPlaneState | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ControlPlaneState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Stops both processes (apiserver first), removes the folder and the state file. */
export async function stopFromState(path: string, state: ControlPlaneState): Promise<void> {
  await stopProcess(state.apiserver);
  await stopProcess(state.etcd);
  await rm(state.dir, { recursive: true, force: true });
  await rm(path, { force: true });
}

/**
 * Stops control planes left behind by test runs that died without cleaning up and whose watchdog
 * died too: any registry entry whose owner process is gone. Pids are checked against the recorded binary
 * before they are signalled, so a recycled pid is never hit. Returns how many were reaped.
 */
export async function reapStaleControlPlanes(): Promise<number> {
  const dir = runRegistryDir();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let reaped = 0;
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const path = join(dir, name);
    const state = await readState(path).catch(() => undefined);
    if (!state) {
      await rm(path, { force: true });
      continue;
    }
    if (state.ownerPid !== null && isAlive(state.ownerPid)) continue;
    await stopFromState(path, state);
    reaped++;
  }
  return reaped;
}
