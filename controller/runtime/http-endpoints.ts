/**
 * Tiny HTTP(S) servers for `/healthz`, `/readyz` and `/metrics` (controller-runtime's bind-address
 * style). The metrics server may serve TLS and pass every request through an authorizer first
 * (controller-runtime's secure metrics: TokenReview + SubjectAccessReview, see metrics-auth.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RequestAuthorizer } from './metrics-auth.js';

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

/** TLS and authorization of a server (both optional). */
export interface ServeOptions {
  /** PEM certificate chain and key: serve HTTPS. */
  tls?: { cert: string; key: string };
  /** Decides every request before its handler runs (401/403/500 otherwise). */
  authorize?: RequestAuthorizer;
}

/** Serves `endpoints` on `bind`; anything else is 404. */
export async function serveEndpoints(
  bind: { host: string; port: number },
  endpoints: Endpoints,
  opts: ServeOptions = {},
): Promise<RunningEndpoints> {
  const listener: http.RequestListener = (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const handler = endpoints[path];
    if (!handler || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const authorize = opts.authorize;
    Promise.resolve()
      .then(async () => {
        const decision = authorize
          ? await authorize(req.headers.authorization, req.method ?? 'GET', path)
          : ({ allowed: true } as const);
        if (!decision.allowed) return { status: decision.status, body: `${decision.message}\n` };
        return handler();
      })
      .then(
        (r) =>
          res
            .writeHead(r.status, { 'content-type': r.contentType ?? 'text/plain; charset=utf-8' })
            .end(r.body),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
      );
  };
  const server = opts.tls ? https.createServer(opts.tls, listener) : http.createServer(listener);
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
