/**
 * The AdobeConnector the engine uses: one Flow Service client per (org, client id, sandbox), with
 * its credentials swapped when the platform Secret's content changes, so a rotated secret gets a
 * new IMS token on the next reconcile.
 */
import { createHash } from 'node:crypto';
import {
  createFlowServiceClient,
  type FlowServiceClient,
  type FlowServiceClientDeps,
  type FlowServiceConfigInput,
} from '../flowservice/index.js';
import type { AdobeConnector, AdobePort, PlatformCredentials } from '../reconcile/ports.js';
import { flowServicePort } from './port.js';

/** Client settings shared by every CR (endpoints are controller settings, never CR fields). */
export type ConnectorSettings = Omit<FlowServiceConfigInput, 'credentials' | 'sandbox'>;

/** A connector plus a way to close every client it opened. */
export interface AdobeConnectorHandle {
  connect: AdobeConnector;
  /** Number of live clients (one per org/client id/sandbox). */
  size(): number;
  close(): Promise<void>;
}

interface Entry {
  client: FlowServiceClient;
  port: AdobePort;
  credentialsHash: string;
}

const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/** Builds the connector. */
export function createAdobeConnector(
  settings: ConnectorSettings,
  deps: FlowServiceClientDeps = {},
): AdobeConnectorHandle {
  const clients = new Map<string, Entry>();
  const connect: AdobeConnector = (c: PlatformCredentials) => {
    const key = `${c.orgId}|${c.clientId}|${c.sandbox}`;
    const credentials = {
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      orgId: c.orgId,
      ...(c.scopes
        ? {
            scopes: c.scopes
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          }
        : {}),
    };
    const credentialsHash = digest(credentials);
    const existing = clients.get(key);
    if (existing) {
      if (existing.credentialsHash !== credentialsHash) {
        existing.client.updateCredentials(credentials);
        existing.credentialsHash = credentialsHash;
      }
      return existing.port;
    }
    const client = createFlowServiceClient({ ...settings, sandbox: c.sandbox, credentials }, deps);
    const entry = { client, port: flowServicePort(client), credentialsHash };
    clients.set(key, entry);
    return entry.port;
  };
  return {
    connect,
    size: () => clients.size,
    close: async () => {
      await Promise.all([...clients.values()].map((e) => e.client.close()));
      clients.clear();
    },
  };
}
