/**
 * The simulator side of the end-to-end tests: seeding the example fixtures, reading its state and
 * request counters through the control endpoints, and the example manifests with the ids the
 * simulator assigned (Adobe assigns schema and dataset ids itself, so examples carry placeholders).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SIMULATOR_DEFAULTS } from '../../../simulator/index.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const XDM_FULL = 'application/vnd.adobe.xed-full+json;version=1';

/** A resource as `/__simulator/state` lists it. */
export interface SimResource {
  kind: string;
  id: string;
  name?: string;
  sandboxName: string;
  state?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- simulator documents are free-form JSON
  doc: any;
}

/** `/__simulator/state`. */
export interface SimState {
  counts: Record<string, number>;
  resources: SimResource[];
  tokens: { requests: number; active: number };
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Everything the simulator holds. */
export const simState = (url: string) => json<SimState>(`${url}/__simulator/state`);

/** Request counts per `METHOD /path/template`. */
export const simRequests = async (url: string) =>
  (await json<{ counts: Record<string, number> }>(`${url}/__simulator/requests`)).counts;

/** Deletes one resource out of band (as if someone used the AEP UI). */
export const simDelete = (url: string, id: string) =>
  json<void>(`${url}/__simulator/resources/${encodeURIComponent(id)}`, { method: 'DELETE' });

/** Registers another credential the simulator's IMS accepts. */
export const simAddCredential = (url: string, c: { clientId: string; clientSecret: string; orgId: string }) =>
  json<void>(`${url}/__simulator/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(c),
  });

/** Sets fault rules (latency, errors). */
export const simFaults = (url: string, rules: unknown[]) =>
  json<void>(`${url}/__simulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules }),
  });

/** Sum of request counts whose key matches `pattern` (e.g. /^POST .*flowservice/). */
export function countCalls(counts: Record<string, number>, pattern: RegExp): number {
  return Object.entries(counts)
    .filter(([k]) => pattern.test(k))
    .reduce((n, [, v]) => n + v, 0);
}

async function adobeHeaders(url: string, sandbox: string): Promise<Record<string, string>> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: SIMULATOR_DEFAULTS.clientId,
    client_secret: SIMULATOR_DEFAULTS.clientSecret,
    scope: 'openid,AdobeID',
  });
  const { access_token: token } = await json<{ access_token: string }>(`${url}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return {
    authorization: `Bearer ${token}`,
    'x-api-key': SIMULATOR_DEFAULTS.clientId,
    'x-gw-ims-org-id': SIMULATOR_DEFAULTS.orgId,
    'x-sandbox-name': sandbox,
    'content-type': 'application/json',
  };
}

interface Fixtures {
  schemas: { sandbox: string; $id: string; title: string; class: string }[];
  datasets: { sandbox: string; id: string; name: string; schemaId: string }[];
}

/**
 * Creates the schemas and datasets of `examples/simulator/fixtures.json` in the simulator and
 * returns placeholder id → id the simulator assigned.
 */
export async function seedExampleFixtures(url: string): Promise<Map<string, string>> {
  const fx = JSON.parse(readFileSync(`${EXAMPLES}/simulator/fixtures.json`, 'utf8')) as Fixtures;
  const ids = new Map<string, string>();
  for (const s of fx.schemas) {
    const created = await json<{ $id: string }>(`${url}/data/foundation/schemaregistry/tenant/schemas`, {
      method: 'POST',
      headers: await adobeHeaders(url, s.sandbox),
      body: JSON.stringify({ title: s.title, type: 'object', allOf: [{ $ref: s.class }] }),
    });
    ids.set(s.$id, created.$id);
  }
  for (const d of fx.datasets) {
    const [ref] = await json<string[]>(`${url}/data/foundation/catalog/dataSets`, {
      method: 'POST',
      headers: await adobeHeaders(url, d.sandbox),
      body: JSON.stringify({ name: d.name, schemaRef: { id: ids.get(d.schemaId), contentType: XDM_FULL } }),
    });
    ids.set(d.id, String(ref).replace('@/dataSets/', ''));
  }
  return ids;
}

/** Creates one more schema + dataset in `sandbox`; returns their ids. */
export async function seedDataset(
  url: string,
  sandbox = 'prod',
): Promise<{ schemaId: string; datasetId: string }> {
  const headers = await adobeHeaders(url, sandbox);
  const schema = await json<{ $id: string }>(`${url}/data/foundation/schemaregistry/tenant/schemas`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      title: 'e2e',
      type: 'object',
      allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/experienceevent' }],
    }),
  });
  const [ref] = await json<string[]>(`${url}/data/foundation/catalog/dataSets`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'e2e', schemaRef: { id: schema.$id, contentType: XDM_FULL } }),
  });
  return { schemaId: schema.$id, datasetId: String(ref).replace('@/dataSets/', '') };
}

/**
 * The example manifests (Secrets and MixpanelDataflows, without the Namespace), moved into
 * `namespace` and pointing at the ids the simulator assigned.
 */
export function exampleManifests(namespace: string, ids: Map<string, string>): string {
  const files = readdirSync(EXAMPLES)
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('00-'))
    .sort();
  let text = files.map((f) => readFileSync(`${EXAMPLES}/${f}`, 'utf8')).join('\n---\n');
  text = text.replace(/namespace: analytics/g, `namespace: ${namespace}`);
  for (const [from, to] of ids) text = text.split(from).join(to);
  return text;
}

/** One resource (connections carry `authParamsSha256` instead of their secret params). */
export const simResource = (url: string, id: string) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- simulator documents are free-form JSON
  json<any>(`${url}/__simulator/resources/${encodeURIComponent(id)}`);
