import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, cacheRoot } from './paths.js';

/** Paths of the two control-plane binaries the harness runs. */
export interface ControlPlaneBinaries {
  kubeApiserver: string;
  etcd: string;
  /** Where they came from: an envtest-style override, or this repo's cached Go build. */
  source: 'env' | 'cache';
}

/** The pinned inputs of the Go build: wrapper modules under tools/. */
export interface BuildRecipe {
  k8sVersion: string;
  etcdVersion: string;
  /** Cache folder for exactly these inputs. */
  dir: string;
}

/** Error messages of the asset resolver. */
export const ASSET_ERRORS = {
  noGo: 'kube-apiserver and etcd are not built yet and `go` is not on PATH (install Go >= 1.26, or set KUBEBUILDER_ASSETS)',
  buildFailed: 'go build failed',
  versionMismatch: 'built binary reports an unexpected version',
} as const;

// Bump when the build flags below change, so old cache folders are not reused.
const RECIPE_REVISION = '1';
const K8S_MODULE = join(REPO_ROOT, 'tools', 'k8sbin');
const ETCD_MODULE = join(REPO_ROOT, 'tools', 'etcdbin');
const RECIPE_FILES = [
  join(K8S_MODULE, 'go.mod'),
  join(K8S_MODULE, 'go.sum'),
  join(K8S_MODULE, 'cmd', 'kube-apiserver', 'main.go'),
  join(ETCD_MODULE, 'go.mod'),
  join(ETCD_MODULE, 'go.sum'),
  join(ETCD_MODULE, 'main.go'),
];

/** Envtest's lookup order: TEST_ASSET_<NAME>, then $KUBEBUILDER_ASSETS/<name>; undefined when neither is set. */
export function binariesFromEnv(env: NodeJS.ProcessEnv = process.env): ControlPlaneBinaries | undefined {
  const dir = env.KUBEBUILDER_ASSETS;
  const kubeApiserver = env.TEST_ASSET_KUBE_APISERVER || (dir ? join(dir, 'kube-apiserver') : undefined);
  const etcd = env.TEST_ASSET_ETCD || (dir ? join(dir, 'etcd') : undefined);
  return kubeApiserver && etcd ? { kubeApiserver, etcd, source: 'env' } : undefined;
}

/** Reads the pins from the wrapper modules and derives the cache folder keyed by version and content hash. */
export async function buildRecipe(): Promise<BuildRecipe> {
  const hash = createHash('sha256').update(RECIPE_REVISION);
  for (const file of RECIPE_FILES) hash.update(file.slice(REPO_ROOT.length)).update(await readFile(file));
  const k8sVersion = requiredVersion(await readFile(join(K8S_MODULE, 'go.mod'), 'utf8'), 'k8s.io/kubernetes');
  const etcdVersion = requiredVersion(
    await readFile(join(ETCD_MODULE, 'go.mod'), 'utf8'),
    'go.etcd.io/etcd/server/v3',
  );
  const key = `${k8sVersion.slice(1)}-etcd${etcdVersion.slice(1)}-${hash.digest('hex').slice(0, 12)}`;
  return { k8sVersion, etcdVersion, dir: join(cacheRoot(), 'k8s', key) };
}

function requiredVersion(goMod: string, module: string): string {
  const match = new RegExp(`^\\s*(?:require\\s+)?${module.replace(/\./g, '\\.')}\\s+(v\\S+)`, 'm').exec(
    goMod,
  );
  if (!match?.[1]) throw new Error(`no version of ${module} in go.mod`);
  return match[1];
}

/** Binaries in the cache folder for the current pins, or undefined if they are not built yet. */
export async function cachedBinaries(recipe: BuildRecipe): Promise<ControlPlaneBinaries | undefined> {
  const kubeApiserver = join(recipe.dir, 'kube-apiserver');
  const etcd = join(recipe.dir, 'etcd');
  return existsSync(kubeApiserver) && existsSync(etcd) ? { kubeApiserver, etcd, source: 'cache' } : undefined;
}

/**
 * Returns usable binaries: the env override, else the cache, else builds them (10–20 min cold on 2 cores).
 * The build writes to a temp folder that is renamed into place only when both binaries work, so an
 * interrupted build never leaves a half binary behind.
 */
export async function ensureBinaries(
  log: (line: string) => void = () => {},
): Promise<ControlPlaneBinaries & { builtSeconds?: number }> {
  const fromEnv = binariesFromEnv();
  if (fromEnv) return fromEnv;
  const recipe = await buildRecipe();
  const cached = await cachedBinaries(recipe);
  if (cached) return cached;

  const started = Date.now();
  const parent = join(recipe.dir, '..');
  await mkdir(parent, { recursive: true });
  await removeStaleTempDirs(parent);
  const tmp = await mkdtemp(join(parent, '.tmp-'));
  try {
    log(`building etcd ${recipe.etcdVersion} into ${tmp}`);
    await goBuild(ETCD_MODULE, '.', join(tmp, 'etcd'), [
      `-X=go.etcd.io/etcd/api/v3/version.GitSHA=${recipe.etcdVersion}`,
    ]);
    log(`building kube-apiserver ${recipe.k8sVersion} (cold: 10–20 min on 2 cores)`);
    await goBuild(K8S_MODULE, './cmd/kube-apiserver', join(tmp, 'kube-apiserver'), k8sVersionFlags(recipe));
    await expectVersion(join(tmp, 'kube-apiserver'), ['--version'], recipe.k8sVersion);
    await expectVersion(join(tmp, 'etcd'), ['--version'], recipe.etcdVersion.slice(1));
    try {
      await rename(tmp, recipe.dir);
    } catch (err) {
      // Another process finished the same build first; its result is identical.
      if (!(await cachedBinaries(recipe))) throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const built = await cachedBinaries(recipe);
  if (!built) throw new Error(ASSET_ERRORS.buildFailed);
  return { ...built, builtSeconds: Math.round((Date.now() - started) / 1000) };
}

// Mirrors kube::version::ldflags: without it /version reports v0.0.0-master.
function k8sVersionFlags(recipe: BuildRecipe): string[] {
  const [major, minor] = recipe.k8sVersion.slice(1).split('.');
  const buildDate = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
    `-X=${pkg}.gitVersion=${recipe.k8sVersion}`,
    `-X=${pkg}.gitMajor=${major}`,
    `-X=${pkg}.gitMinor=${minor}`,
    `-X=${pkg}.gitTreeState=clean`,
    `-X=${pkg}.buildDate=${buildDate}`,
  ]);
}

async function goBuild(moduleDir: string, pkg: string, out: string, ldflags: string[]): Promise<void> {
  const args = ['build', '-trimpath', '-ldflags', ['-s', '-w', ...ldflags].join(' '), '-o', out, pkg];
  await run('go', args, moduleDir, { ...process.env, CGO_ENABLED: '0' });
}

async function expectVersion(bin: string, args: string[], expected: string): Promise<void> {
  const output = await run(bin, args, REPO_ROOT, process.env);
  if (!output.includes(expected)) {
    throw new Error(`${ASSET_ERRORS.versionMismatch}: ${bin} ${args.join(' ')} printed ${output.trim()}`);
  }
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' && cmd === 'go' ? new Error(ASSET_ERRORS.noGo) : err),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${ASSET_ERRORS.buildFailed}: ${cmd} ${args.join(' ')}\n${output.slice(-4000)}`)),
    );
  });
}

// Builds killed mid-way leave .tmp-* folders; anything older than a day cannot be a live build.
async function removeStaleTempDirs(parent: string): Promise<void> {
  for (const name of await readdir(parent)) {
    if (!name.startsWith('.tmp-')) continue;
    const path = join(parent, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > 24 * 3600 * 1000)
      await rm(path, { recursive: true, force: true });
  }
}
