import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in test/cluster/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** User-level cache shared by every clone on this machine: built binaries, extracted tools, run records. */
export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'mixpanel-dataflow-controller');
}

/** Folder holding one state file per control plane started for a test run (reaped when stale). */
export function runRegistryDir(): string {
  return join(cacheRoot(), 'control-planes');
}

/** Folder for `npm run cluster:up` (git-ignored): kubeconfig and state of the manual control plane. */
export const MANUAL_CLUSTER_DIR = join(REPO_ROOT, '.cluster');
