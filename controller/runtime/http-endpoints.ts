/** Tiny HTTP servers for `/healthz`, `/readyz` and `/metrics` (controller-runtime's bind-address style). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a handler returns. */
export interface EndpointResponse {
  status: number;
  body: string;
  contentType?: string;
}

/** Path → handler. */
export type Endpoints = Record<string, () => EndpointResponse | Promise<EndpointResponse>>;

/** A started server; `port` is the bound port (useful with `:0`). */
export interface RunningEndpoints {
  port: number;
  close(): Promise<void>;
}

/**
 * Parses `host:port`, `:port` (all interfaces) or `0` (disabled, as in controller-runtime).
 * Returns undefined when disabled; throws on anything else.
 */
export function parseBindAddress(value: string): { host: string; port: number } | undefined {
  if (value === '0') return undefined;
  const m = /^(.*):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new Error(`invalid bind address "${value}": want host:port, :port or 0`);
  const host = m[1]!.replace(/^\[(.*)\]$/, '$1');
  return { host: host || '0.0.0.0', port };
}

/** Serves `endpoints` on `bind`; anything else is 404. */
export async function serveEndpoints(
  bind: { host: string; port: number },
  endpoints: Endpoints,
): Promise<RunningEndpoints> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const handler = endpoints[path];
    if (!handler || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    Promise.resolve()
      .then(handler)
      .then(
        (r) =>
          res
            .writeHead(r.status, { 'content-type': r.contentType ?? 'text/plain; charset=utf-8' })
            .end(r.body),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port, bind.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A named check for /healthz or /readyz: returns an error message when failing. */
export type HealthCheck = () => string | undefined;

/** Handler that answers 200 `ok` when every check passes, else 500 listing the failures. */
export function checksHandler(checks: Record<string, HealthCheck>): () => EndpointResponse {
  return () => {
    const failing = Object.entries(checks)
      .map(([name, check]) => [name, check()] as const)
      .filter(([, problem]) => problem !== undefined);
    if (failing.length === 0) return { status: 200, body: 'ok\n' };
    return { status: 500, body: failing.map(([name, p]) => `[-] ${name}: ${p}`).join('\n') + '\n' };
  };
}
