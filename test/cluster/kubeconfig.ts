import { stringify } from 'yaml';
import type { ClientCredentials } from './pki.js';

/** Name used for the cluster and context entries of every kubeconfig the harness writes. */
export const CONTEXT_NAME = 'mdc-test';

/**
 * A kubeconfig with one cluster, user and context. The serving cert is trusted through the CA data
 * (no insecure-skip-tls-verify); the user authenticates with a client certificate.
 */
export function renderKubeconfig(
  server: string,
  caPem: string,
  user: string,
  creds: ClientCredentials,
): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT_NAME, cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [
      {
        name: user,
        user: { 'client-certificate-data': b64(creds.certPem), 'client-key-data': b64(creds.keyPem) },
      },
    ],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user } }],
    'current-context': CONTEXT_NAME,
  });
}
