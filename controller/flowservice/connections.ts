/** Base, source and target connections (Flow Service `/connections`, `/sourceConnections`, `/targetConnections`). */
import type { z } from 'zod';
import {
  ConnectionSchema,
  ExploreResultSchema,
  SourceConnectionSchema,
  TargetConnectionSchema,
  type Connection,
  type ExploreResult,
  type SourceConnection,
  type TargetConnection,
} from './schemas.js';
import {
  collection,
  enc,
  FLOW_SERVICE_PATH,
  type CallOptions,
  type Collection,
  type PlatformSender,
} from './resource.js';

/** `{id, version}` of a connection or flow spec; Adobe uses the latest version when omitted. */
export interface SpecRefInput {
  id: string;
  version?: string;
}

/** POST /connections body. `auth.params` holds secrets (e.g. the Mixpanel password). */
export interface CreateConnectionRequest {
  name: string;
  description?: string;
  auth: { specName: string; params: Record<string, unknown> };
  connectionSpec: SpecRefInput;
}

/** POST /sourceConnections body. */
export interface CreateSourceConnectionRequest {
  name: string;
  description?: string;
  baseConnectionId?: string;
  connectionSpec: SpecRefInput;
  data: { format: string };
  params?: Record<string, unknown>;
}

/** POST /targetConnections body. */
export interface CreateTargetConnectionRequest {
  name: string;
  description?: string;
  baseConnectionId?: string;
  connectionSpec: SpecRefInput;
  data: { format: string; schema?: { id: string; version: string } };
  params?: Record<string, unknown>;
}

/** Query of GET /connections/{id}/explore (REST sources: objectType=rest&object=json&…). */
export interface ExploreOptions extends CallOptions {
  objectType: string;
  object?: string;
  fileType?: string;
  preview?: boolean;
  /** Sent base64-encoded JSON, as the Mixpanel tutorial does (`{"projectId","timezone"}`). */
  sourceParams?: Record<string, unknown>;
}

/** Base connection operations. */
export interface ConnectionsApi extends Collection<Connection, CreateConnectionRequest> {
  /** Preview data through the connection. */
  explore(id: string, options: ExploreOptions): Promise<ExploreResult>;
}

/** Creates the three connection collections. */
export function connectionsApi(send: PlatformSender): {
  connections: ConnectionsApi;
  sourceConnections: Collection<SourceConnection, CreateSourceConnectionRequest>;
  targetConnections: Collection<TargetConnection, CreateTargetConnectionRequest>;
} {
  const base = collection<typeof ConnectionSchema, CreateConnectionRequest>(send, {
    operationPrefix: 'connections',
    path: '/connections',
    item: ConnectionSchema,
    secretsOf: authSecrets,
  });
  const explore = (id: string, options: ExploreOptions): Promise<z.output<typeof ExploreResultSchema>> =>
    send({
      operation: 'connections.explore',
      method: 'GET',
      path: `${FLOW_SERVICE_PATH}/connections/${enc(id)}/explore`,
      query: {
        objectType: options.objectType,
        object: options.object,
        fileType: options.fileType,
        preview: options.preview,
        sourceParams: options.sourceParams
          ? Buffer.from(JSON.stringify(options.sourceParams)).toString('base64')
          : undefined,
      },
      schema: ExploreResultSchema,
      signal: options.signal,
    });
  return {
    connections: { ...base, explore },
    sourceConnections: collection(send, {
      operationPrefix: 'sourceConnections',
      path: '/sourceConnections',
      item: SourceConnectionSchema,
    }),
    targetConnections: collection(send, {
      operationPrefix: 'targetConnections',
      path: '/targetConnections',
      item: TargetConnectionSchema,
    }),
  };
}

/** Every string under `auth.params` of a create body or a `/auth/params` patch value. */
export function authSecrets(body: unknown): string[] {
  const out: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  if (Array.isArray(body)) {
    for (const op of body as { path?: unknown; value?: unknown }[]) {
      if (typeof op.path === 'string' && op.path.startsWith('/auth')) collect(op.value);
    }
  } else if (body && typeof body === 'object') {
    collect((body as { auth?: { params?: unknown } }).auth?.params);
  }
  return out;
}
