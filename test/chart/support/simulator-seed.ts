/**
 * Creates, in a running simulator, the XDM schema and Catalog dataset an example dataflow points
 * at (Adobe assigns those ids, so the example's ids are replaced by the simulator's).
 */
import { SIMULATOR_DEFAULTS } from '../../../simulator/index.js';

const XDM_FULL = 'application/vnd.adobe.xed-full+json;version=1';

async function json<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Creates one experience-event schema and a dataset on it in `sandbox`; returns their ids. */
export async function seedDataset(
  url: string,
  sandbox = 'prod',
): Promise<{ schemaId: string; datasetId: string }> {
  const { access_token: token } = await json<{ access_token: string }>(`${url}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: SIMULATOR_DEFAULTS.clientId,
      client_secret: SIMULATOR_DEFAULTS.clientSecret,
      scope: 'openid,AdobeID',
    }).toString(),
  });
  const headers = {
    authorization: `Bearer ${token}`,
    'x-api-key': SIMULATOR_DEFAULTS.clientId,
    'x-gw-ims-org-id': SIMULATOR_DEFAULTS.orgId,
    'x-sandbox-name': sandbox,
    'content-type': 'application/json',
  };
  const schema = await json<{ $id: string }>(`${url}/data/foundation/schemaregistry/tenant/schemas`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      title: 'Mixpanel purchase events',
      type: 'object',
      allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/experienceevent' }],
    }),
  });
  const [ref] = await json<string[]>(`${url}/data/foundation/catalog/dataSets`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: 'Mixpanel purchases',
      schemaRef: { id: schema.$id, contentType: XDM_FULL },
    }),
  });
  return { schemaId: schema.$id, datasetId: String(ref).replace('@/dataSets/', '') };
}
