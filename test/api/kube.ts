/** Talking to the real kube-apiserver in API tests: install the CRD, write MixpanelDataflows, read errors. */
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { join } from 'node:path';
import { API_VERSION, CRD_NAME, GROUP, KIND, PLURAL, VERSION } from '../../controller/api/constants.js';
import { kubectl } from '../cluster/test-cluster.js';
import { type Manifest, ROOT, base } from './corpus.js';

/** The committed CRD manifest. */
export const CRD_FILE = join(ROOT, 'crds', 'aepflows.io_mixpaneldataflows.yaml');

/** One `details.causes` entry of a rejected request. */
export interface Cause {
  field: string;
  message: string;
}

/** Outcome of a write: the stored object, or the API server's status code, message and causes. */
export type WriteResult =
  { ok: true; object: Manifest } | { ok: false; code: number; message: string; causes: Cause[] };

/**
 * Applies the committed CRD with `kubectl apply --server-side` (the way users install it) and waits
 * until the API server enforces this schema: a dry-run create of a manifest only the CEL rules
 * reject must fail. (client-node's typed CRD create drops `x-kubernetes-*` keys it does not model,
 * so the CRD is never sent through it.)
 */
export async function applyCrd(kc: KubeConfig, namespace: string): Promise<void> {
  const applied = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', CRD_FILE]);
  if (applied.code !== 0) throw new Error(`kubectl apply of the CRD failed: ${applied.stderr}`);
  const waited = await kubectl(['wait', '--for=condition=Established', `crd/${CRD_NAME}`, '--timeout=30s']);
  if (waited.code !== 0) throw new Error(`CRD not established: ${waited.stderr}`);
  const probe = {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: 'schema-probe' },
    spec: {} as Manifest,
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = base('schema-probe');
    probe.spec = { ...m.spec, schedule: { frequency: 'hour' } };
    const result = await createDataflow(kc, namespace, probe, true);
    if (!result.ok && result.causes.some((c) => c.field === 'spec.schedule.interval')) return;
    if (Date.now() > deadline) throw new Error(`the API server does not enforce the CRD's CEL rules`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function failure(err: unknown): WriteResult {
  if (!(err instanceof ApiException)) throw err;
  const body = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as {
    message?: string;
    details?: { causes?: { field?: string; message?: string }[] };
  };
  const message = body.message ?? '';
  const causes = (body.details?.causes ?? []).map((c) => ({
    field: c.field ?? '',
    message: c.message ?? '',
  }));
  // Strict field validation fails with a 400 whose message lists `unknown field "<path>"` entries.
  if (causes.length === 0 && message.includes('strict decoding error')) {
    for (const [, field] of message.matchAll(/unknown field "([^"]+)"/g)) {
      causes.push({ field: field ?? '', message: `unknown field "${field}"` });
    }
  }
  return { ok: false, code: err.code, message, causes };
}

/** Creates a MixpanelDataflow with strict field validation (what `kubectl apply` does by default). */
export async function createDataflow(
  kc: KubeConfig,
  namespace: string,
  body: Manifest,
  dryRun = false,
): Promise<WriteResult> {
  try {
    const object = (await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      body,
      fieldValidation: 'Strict',
      ...(dryRun ? { dryRun: 'All' } : {}),
    })) as Manifest;
    return { ok: true, object };
  } catch (err) {
    return failure(err);
  }
}

/** Replaces a MixpanelDataflow (or its status with `subresource: 'status'`), strict field validation. */
export async function replaceDataflow(
  kc: KubeConfig,
  namespace: string,
  body: Manifest,
  subresource?: 'status',
): Promise<WriteResult> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const params = {
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURAL,
    name: body.metadata.name as string,
    body,
    fieldValidation: 'Strict',
  };
  try {
    const object = (
      subresource === 'status'
        ? await api.replaceNamespacedCustomObjectStatus(params)
        : await api.replaceNamespacedCustomObject(params)
    ) as Manifest;
    return { ok: true, object };
  } catch (err) {
    return failure(err);
  }
}

/** Reads a MixpanelDataflow. */
export async function getDataflow(kc: KubeConfig, namespace: string, name: string): Promise<Manifest> {
  return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURAL,
    name,
  })) as Manifest;
}
