import { ApiException, ApiextensionsV1Api } from '@kubernetes/client-node';
import type { KubeConfig, V1CustomResourceDefinition } from '@kubernetes/client-node';
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';

/** Error messages of the CRD installer. */
export const CRD_ERRORS = {
  namesRejected: 'CRD names were not accepted',
  notEstablished: 'CRD did not become Established in time',
  notDiscoverable: 'CRD resource did not appear in discovery in time',
} as const;

const WAIT_MS = 30_000;

/**
 * Creates or updates every CustomResourceDefinition in `<dir>/*.yaml|yml|json` (non-recursive; a
 * missing folder installs nothing), then waits until each is Established and served by discovery.
 * Returns the installed CRD names.
 */
export async function installCrds(kc: KubeConfig, dir: string): Promise<string[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const crds: V1CustomResourceDefinition[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), 'utf8'))) {
      const obj = doc.toJS() as V1CustomResourceDefinition | null;
      if (obj?.kind === 'CustomResourceDefinition') crds.push(obj);
    }
  }
  return applyCrds(kc, crds);
}

/** Creates or updates the given CRDs and waits until they are Established and discoverable. */
export async function applyCrds(kc: KubeConfig, crds: V1CustomResourceDefinition[]): Promise<string[]> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  for (const crd of crds) await createOrReplace(api, crd);
  for (const crd of crds) await waitEstablished(api, crd.metadata!.name!);
  for (const crd of crds) await waitDiscoverable(kc, crd);
  return crds.map((crd) => crd.metadata!.name!);
}

async function createOrReplace(api: ApiextensionsV1Api, crd: V1CustomResourceDefinition): Promise<void> {
  try {
    await api.createCustomResourceDefinition({ body: crd });
  } catch (err) {
    if (!(err instanceof ApiException) || err.code !== 409) throw err;
    for (;;) {
      const current = await api.readCustomResourceDefinition({ name: crd.metadata!.name! });
      const body = {
        ...crd,
        metadata: { ...crd.metadata, resourceVersion: current.metadata!.resourceVersion },
      };
      try {
        await api.replaceCustomResourceDefinition({ name: crd.metadata!.name!, body });
        return;
      } catch (conflict) {
        if (!(conflict instanceof ApiException) || conflict.code !== 409) throw conflict;
      }
    }
  }
}

async function waitEstablished(api: ApiextensionsV1Api, name: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const crd = await api.readCustomResourceDefinition({ name });
    const conditions = crd.status?.conditions ?? [];
    const names = conditions.find((c) => c.type === 'NamesAccepted');
    if (names?.status === 'False') throw new Error(`${CRD_ERRORS.namesRejected}: ${name}: ${names.message}`);
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new Error(`${CRD_ERRORS.notEstablished}: ${name}`);
    await sleep(100);
  }
}

// Established does not mean discovery lists the resource yet; informers and kubectl need discovery.
async function waitDiscoverable(kc: KubeConfig, crd: V1CustomResourceDefinition): Promise<void> {
  const { group, names, versions } = crd.spec;
  const deadline = Date.now() + WAIT_MS;
  for (const version of versions.filter((v) => v.served)) {
    for (;;) {
      const list = (await getJson(kc, `/apis/${group}/${version.name}`)) as {
        resources?: { name: string }[];
      } | null;
      if (list?.resources?.some((r) => r.name === names.plural)) break;
      if (Date.now() > deadline) throw new Error(`${CRD_ERRORS.notDiscoverable}: ${group}/${version.name}`);
      await sleep(100);
    }
  }
}

/** GETs a path with the kubeconfig's credentials; null on any non-200 answer. */
export async function getJson(kc: KubeConfig, path: string): Promise<unknown> {
  const server = kc.getCurrentCluster()!.server;
  const options: Parameters<typeof request>[1] = { method: 'GET' };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server), options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 ? JSON.parse(body) : null));
    });
    req.on('error', reject);
    req.end();
  });
}
