/**
 * Flow Service clients by platform credentials, for the reads the engine's port does not offer
 * (lists by property, for discovery). One client per (org, client id, sandbox); a changed secret swaps the
 * credentials of that client, as the engine's connector does.
 */
import { createHash } from 'node:crypto';
import type { ConnectorSettings } from '../adobe/index.js';
import {
  createFlowServiceClient,
  type FlowServiceClient,
  type FlowServiceClientDeps,
  type FlowServiceCredentialsInput,
} from '../flowservice/index.js';
import type { PlatformCredentials } from '../reconcile/index.js';

/** Flow Service credentials from the engine's platform credentials (scopes comma-separated). */
export function clientCredentials(c: PlatformCredentials): FlowServiceCredentialsInput {
  const scopes = c.scopes
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    orgId: c.orgId,
    ...(scopes?.length ? { scopes } : {}),
  };
}

/** Clients keyed by org, client id and sandbox. */
export class ClientPool {
  private readonly clients = new Map<string, { client: FlowServiceClient; hash: string }>();

  constructor(
    private readonly settings: ConnectorSettings,
    private readonly deps: FlowServiceClientDeps = {},
  ) {}

  /** The client for these credentials. */
  client(c: PlatformCredentials): FlowServiceClient {
    const key = `${c.orgId}|${c.clientId}|${c.sandbox}`;
    const credentials = clientCredentials(c);
    const hash = createHash('sha256').update(JSON.stringify(credentials)).digest('hex');
    const existing = this.clients.get(key);
    if (existing) {
      if (existing.hash !== hash) {
        existing.client.updateCredentials(credentials);
        existing.hash = hash;
      }
      return existing.client;
    }
    const client = createFlowServiceClient({ ...this.settings, sandbox: c.sandbox, credentials }, this.deps);
    this.clients.set(key, { client, hash });
    return client;
  }

  /** Closes every client. */
  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((e) => e.client.close()));
    this.clients.clear();
  }
}
