import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Throwaway certificates and keys of one control plane, as files in its pki folder. */
export interface ControlPlanePki {
  dir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
}

/** A client certificate for one user, as PEM text (for kubeconfig *-data fields). */
export interface ClientCredentials {
  certPem: string;
  keyPem: string;
}

/** Error messages of the certificate helpers. */
export const PKI_ERRORS = {
  noOpenssl: 'the openssl CLI is needed to make throwaway certificates for the test API server',
} as const;

// One week, like envtest's TinyCA: long enough for any test run or manual session.
const VALID_DAYS = '7';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** File layout of the pki folder (the same for every control plane). */
export function pkiPaths(dir: string): ControlPlanePki {
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    servingCert: join(dir, 'apiserver.crt'),
    servingKey: join(dir, 'apiserver.key'),
    serviceAccountPublicKey: join(dir, 'sa.pub'),
    serviceAccountPrivateKey: join(dir, 'sa.key'),
  };
}

/** Client cert and key files of a user minted by createClientCredentials. */
export function clientFiles(pki: ControlPlanePki, user: string): { cert: string; key: string } {
  const base = join(pki.dir, `client-${user.replace(/[^a-zA-Z0-9_-]/g, '_')}`);
  return { cert: `${base}.crt`, key: `${base}.key` };
}

/**
 * Creates a CA (which signs both the serving cert and client certs, trusted by --client-ca-file),
 * a serving cert for localhost/127.0.0.1, and an ES256 service-account key pair from node:crypto.
 */
export async function createPki(dir: string): Promise<ControlPlanePki> {
  const pki = pkiPaths(dir);
  // prettier-ignore
  await openssl([
    'req', '-x509', ...EC_KEY, '-days', VALID_DAYS, '-subj', '/O=mixpanel-dataflow-test/CN=test-ca',
    '-keyout', pki.caKey, '-out', pki.caCert,
  ]);
  await signLeaf(pki, 'apiserver', '/CN=kube-apiserver', [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    'extendedKeyUsage=serverAuth',
  ]);

  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await writeFile(pki.serviceAccountPublicKey, publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(pki.serviceAccountPrivateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  return pki;
}

/** Mints a client certificate: CN is the user name, each O is a group (system:masters makes an admin). */
export async function createClientCredentials(
  pki: ControlPlanePki,
  user: string,
  groups: readonly string[],
): Promise<ClientCredentials> {
  const subject = [...groups.map((g) => `/O=${g}`), `/CN=${user}`].join('');
  const files = clientFiles(pki, user);
  await signLeaf(pki, basename(files.cert, '.crt'), subject, ['extendedKeyUsage=clientAuth']);
  return { certPem: await readFile(files.cert, 'utf8'), keyPem: await readFile(files.key, 'utf8') };
}

async function signLeaf(pki: ControlPlanePki, base: string, subject: string, extensions: string[]) {
  const key = join(pki.dir, `${base}.key`);
  const csr = join(pki.dir, `${base}.csr`);
  const ext = join(pki.dir, `${base}.ext`);
  await writeFile(ext, [...extensions, 'basicConstraints=CA:FALSE', ''].join('\n'));
  await openssl(['req', '-new', ...EC_KEY, '-subj', subject, '-keyout', key, '-out', csr]);
  // prettier-ignore
  await openssl([
    'x509', '-req', '-in', csr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial',
    '-days', VALID_DAYS, '-extfile', ext, '-out', join(pki.dir, `${base}.crt`),
  ]);
}

async function openssl(args: string[]): Promise<void> {
  try {
    await execFileAsync('openssl', args);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(PKI_ERRORS.noOpenssl);
    throw err;
  }
}
