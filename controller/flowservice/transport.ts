/** One undici keep-alive Pool per base URL; sends one attempt and maps socket failures to errors. */
import { Pool } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { FlowServiceError } from './errors.js';

/** Pool settings. */
export interface TransportSettings {
  connectionsPerOrigin: number;
  keepAliveTimeoutMs: number;
  /** Largest response body read; a longer one (a broken gateway streaming forever) is an error. */
  maxResponseBytes: number;
}

/** One attempt's request, already fully built (headers included). */
export interface RawRequest {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL. */
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One attempt's response with its body read as text. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

// Failures where the request surely never reached the server: safe to resend even a create.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Owns the pools; `close()` ends every socket. */
export class Transport {
  private readonly pools = new Map<string, Pool>();
  private closed = false;

  constructor(private readonly settings: TransportSettings) {}

  /** Sends one attempt; resolves for every HTTP status, rejects with a FlowServiceError otherwise. */
  async send(req: RawRequest): Promise<RawResponse> {
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    try {
      const res = await this.pool(req.url.origin).request({
        method: req.method,
        path: req.url.pathname + req.url.search,
        headers: req.headers,
        body: req.body ?? null,
        signal,
        // Our retry layer decides; undici must not silently replay a POST on a pipelined socket.
        idempotent: req.method === 'GET',
      });
      const text = await readCapped(res.body, this.settings.maxResponseBytes, req);
      return { status: res.statusCode, headers: res.headers, text };
    } catch (cause) {
      throw transportError(req, cause);
    }
  }

  /** Closes every pool (idempotent). */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => p.destroy())));
  }

  private pool(origin: string): Pool {
    if (this.closed) {
      throw new FlowServiceError({ kind: 'aborted', operation: 'transport', detail: 'client is closed' });
    }
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.settings.connectionsPerOrigin,
        keepAliveTimeout: this.settings.keepAliveTimeoutMs,
        pipelining: 1,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

/**
 * Reads the body as UTF-8 text, at most `max` bytes: past that it stops reading, drops the
 * connection and throws an `invalid-response` error instead of growing the heap without bound.
 */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown },
  max: number,
  req: RawRequest,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw new FlowServiceError({
        kind: 'invalid-response',
        operation: req.operation,
        method: req.method,
        detail: `response body larger than ${max} bytes; stopped reading it`,
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function transportError(req: RawRequest, cause: unknown): FlowServiceError {
  if (cause instanceof FlowServiceError) return cause;
  const base = { operation: req.operation, method: req.method, cause };
  if (req.signal?.aborted) return new FlowServiceError({ ...base, kind: 'aborted' });
  const code = errorCode(cause);
  if (isAbort(cause) || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new FlowServiceError({ ...base, kind: 'timeout' });
  }
  return new FlowServiceError({
    ...base,
    kind: 'network',
    detail: code ?? (cause instanceof Error ? cause.message : undefined),
    notSent: code !== undefined && NOT_SENT_CODES.has(code),
  });
}

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function isAbort(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError' || errorCode(e) === 'UND_ERR_ABORTED';
}
