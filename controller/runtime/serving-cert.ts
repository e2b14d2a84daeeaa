/**
 * The certificate of the secure metrics server: `tls.crt`/`tls.key` from a folder (a mounted
 * cert-manager Secret), or, like controller-runtime without a cert path, a self-signed one made at
 * start-up (scrapers then skip verification, as kubebuilder's ServiceMonitor does by default).
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';

/** PEM certificate and key. */
export interface ServingCert {
  cert: string;
  key: string;
}

/** Where to read the certificate; undefined `dir` means self-signed. */
export interface ServingCertSource {
  dir?: string;
  certName: string;
  keyName: string;
}

/** Reads the certificate from `dir`, or makes a self-signed one valid for a year. */
export async function loadServingCert(src: ServingCertSource): Promise<ServingCert> {
  if (src.dir) {
    const [cert, key] = await Promise.all([
      readFile(join(src.dir, src.certName), 'utf8'),
      readFile(join(src.dir, src.keyName), 'utf8'),
    ]);
    return { cert, key };
  }
  const host = hostname();
  const made = await selfsigned.generate([{ name: 'commonName', value: 'mixpanel-dataflow-controller' }], {
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 365 * 86_400_000),
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: host },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
      { name: 'extKeyUsage', serverAuth: true },
    ],
  });
  return { cert: made.cert, key: made.private };
}
