/**
 * Secrets a MixpanelDataflow references. Choice: a metadata-only watch of Secrets (names and
 * resourceVersions, never data) in the watched namespaces triggers reconciles through an index
 * Secret → referencing CRs; the reconcile then reads the referenced Secrets with a direct GET.
 * So rotation reaches Adobe within seconds, the controller never holds unrelated secret material
 * in memory, and a namespace-scoped controller lists Secrets only in its own namespaces.
 */
import type { MixpanelDataflow } from '../api/index.js';
import type { SecretsByName } from '../reconcile/index.js';
import { isStatus, type KubeHttp } from '../runtime/kube-http.js';
import { redactValues } from '../util/redact.js';

/** Names of the Secrets a CR references (same namespace, by design of the API). */
export function referencedSecrets(cr: Pick<MixpanelDataflow, 'spec'>): string[] {
  const names = [cr.spec?.platform?.credentialsSecretRef?.name, cr.spec?.source?.credentialsSecretRef?.name];
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))];
}

/** Index `namespace/secret` → keys of the CRs that reference it. */
export class SecretIndex {
  private readonly bySecret = new Map<string, Set<string>>();
  private readonly byCr = new Map<string, string[]>();

  /** Records the Secrets `crKey` references now (replacing what it referenced before). */
  set(crKey: string, namespace: string, secretNames: readonly string[]): void {
    this.remove(crKey);
    const keys = secretNames.map((s) => `${namespace}/${s}`);
    this.byCr.set(crKey, keys);
    for (const k of keys) {
      let set = this.bySecret.get(k);
      if (!set) this.bySecret.set(k, (set = new Set()));
      set.add(crKey);
    }
  }

  /** Forgets a deleted CR. */
  remove(crKey: string): void {
    for (const k of this.byCr.get(crKey) ?? []) {
      const set = this.bySecret.get(k);
      set?.delete(crKey);
      if (set?.size === 0) this.bySecret.delete(k);
    }
    this.byCr.delete(crKey);
  }

  /** CR keys that reference `namespace/secret`. */
  referencing(secretKey: string): string[] {
    return [...(this.bySecret.get(secretKey) ?? [])];
  }
}

interface SecretObject {
  data?: Record<string, string>;
}

/** Reads and decodes the named Secrets of a namespace; a missing Secret maps to undefined. */
export async function readSecrets(
  kube: KubeHttp,
  namespace: string,
  names: readonly string[],
): Promise<SecretsByName> {
  const out: Record<string, Record<string, string> | undefined> = {};
  await Promise.all(
    names.map(async (name) => {
      try {
        const s = await kube.request<SecretObject>('GET', `/api/v1/namespaces/${namespace}/secrets/${name}`);
        out[name] = Object.fromEntries(
          Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
        );
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
        out[name] = undefined;
      }
    }),
  );
  return out;
}

/** Secret keys whose values are secret (clientSecret, password); ids and usernames are not. */
const SECRET_KEY = /secret|password|token/i;

/**
 * Replaces every secret value (by key name) of the referenced Secrets in `text`: a last line of
 * defence for text that leaves the process (events, condition messages).
 */
export function redact(text: string, secrets: SecretsByName): string {
  const values = Object.values(secrets).flatMap((data) =>
    Object.entries(data ?? {})
      .filter(([key]) => SECRET_KEY.test(key))
      .map(([, value]) => value),
  );
  return redactValues(text, values);
}
