/**
 * A small JSON-over-HTTPS client for the Kubernetes API, built on the KubeConfig from
 * @kubernetes/client-node (auth, TLS, in-cluster token) but with full control of what the
 * generated clients make awkward: patch content types, `Accept` for metadata-only lists and
 * watches, streaming watches with bookmarks, and per-request timeouts. One keep-alive agent is
 * shared by all requests.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';

/** Content types of the patch strategies the controller uses. */
export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
} as const;

/** `Accept` value that makes the API server return PartialObjectMetadata lists (no data). */
export const METADATA_ONLY_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
/** `Accept` value for a metadata-only watch. */
export const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

/** A non-2xx answer of the API server (Status object fields), or a transport failure (no status). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    message: string,
    /** HTTP status; undefined for network errors and timeouts. */
    readonly status: number | undefined,
    /** Status.reason, e.g. Conflict, NotFound, Invalid. */
    readonly reason: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Options of one request. */
export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Default per-request timeout (watches have none: the watchdog covers them). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The client. */
export class KubeHttp {
  private agent: http.Agent | undefined;
  private readonly server: URL;

  constructor(
    private readonly kc: KubeConfig,
    private readonly userAgent = 'mixpanel-dataflow-controller',
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
  }

  /** Sends one request and parses the JSON answer; throws KubeApiError on non-2xx. */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts, opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    const text = await readAll(res);
    if (res.statusCode! < 200 || res.statusCode! >= 300) throw apiError(res.statusCode!, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Opens a streaming GET (a watch) and calls `onLine` with each parsed JSON line. Resolves when
   * the server ends the stream or `signal` aborts it; rejects on a non-200 answer or a broken stream.
   */
  async stream(path: string, opts: RequestOptions, onLine: (value: unknown) => void): Promise<void> {
    let res: http.IncomingMessage;
    try {
      res = await this.send('GET', path, opts, undefined);
    } catch (err) {
      if (opts.signal?.aborted) return;
      throw err;
    }
    if (res.statusCode !== 200) throw apiError(res.statusCode!, await readAll(res));
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      lines.on('line', (line) => {
        if (!line.trim()) return;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          return; // a torn line from an aborted stream
        }
        onLine(value);
      });
      // readline re-emits errors of its input; both must be handled or the process crashes.
      const fail = (err: Error) =>
        opts.signal?.aborted
          ? resolve()
          : reject(
              new KubeApiError(`watch stream broke: ${err.message}`, undefined, undefined, { cause: err }),
            );
      res.on('error', fail);
      lines.on('error', fail);
      res.on('aborted', () => fail(new Error('aborted')));
      lines.on('close', () => resolve());
    });
  }

  private async send(
    method: string,
    path: string,
    opts: RequestOptions,
    timeoutMs: number | undefined,
  ): Promise<http.IncomingMessage> {
    const url = new URL(this.server.toString().replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const auth: https.RequestOptions & { headers?: Record<string, string> } = {};
    await this.kc.applyToHTTPSOptions(auth);
    const headers: Record<string, string> = {
      ...(auth.headers as Record<string, string> | undefined),
      accept: opts.accept ?? 'application/json',
      'user-agent': this.userAgent,
    };
    if (auth.auth) headers.authorization = `Basic ${Buffer.from(auth.auth).toString('base64')}`;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const isHttps = url.protocol === 'https:';
    this.agent ??= isHttps
      ? new https.Agent({
          keepAlive: true,
          ca: auth.ca,
          cert: auth.cert,
          key: auth.key,
          pfx: auth.pfx,
          passphrase: auth.passphrase,
          servername: auth.servername,
          ...(this.kc.getCurrentCluster()?.skipTLSVerify ? { rejectUnauthorized: false } : {}),
        })
      : new http.Agent({ keepAlive: true });
    const lib = isHttps ? https : http;
    return new Promise((resolve, reject) => {
      // The signal is not handed to http.request: Node destroys the socket with an AbortError,
      // and when the response has just been read to its end the keep-alive agent has already
      // taken the socket back and removed the request's error listener — an unhandled 'error'
      // that kills the process (a watch ending with an ERROR event; nodejs/node#65938).
      const req = lib.request(url, { method, headers, agent: this.agent }, resolve);
      abortWith(req, opts.signal);
      if (timeoutMs !== undefined)
        req.setTimeout(timeoutMs, () =>
          req.destroy(new KubeApiError(`${method} ${url.pathname} timed out`, undefined, 'Timeout')),
        );
      req.on('error', (err) =>
        reject(
          opts.signal?.aborted
            ? new KubeApiError(`${method} ${url.pathname} aborted`, undefined, 'Aborted')
            : err instanceof KubeApiError
              ? err
              : new KubeApiError(`${method} ${url.pathname}: ${err.message}`, undefined, undefined, {
                  cause: err,
                }),
        ),
      );
      req.end(payload);
    });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent?.destroy();
  }
}

/**
 * Destroys `req` when `signal` aborts, until the response has been read: then an abort is a
 * no-op (the socket may serve another request). The destroy carries no error, so no socket ever
 * emits one; the request's own 'error' or the response's 'aborted' tells the waiting caller.
 */
function abortWith(req: http.ClientRequest, signal: AbortSignal | undefined): void {
  if (!signal) return;
  const abort = () => void req.destroy();
  if (signal.aborted) return abort();
  signal.addEventListener('abort', abort, { once: true });
  const detach = () => signal.removeEventListener('abort', abort);
  req.once('close', detach);
  req.once('response', (res: http.IncomingMessage) => res.once('end', detach));
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function apiError(status: number, text: string): KubeApiError {
  let reason: string | undefined;
  let message = `HTTP ${status}`;
  try {
    const body = JSON.parse(text) as { reason?: string; message?: string };
    reason = body.reason;
    if (body.message) message = body.message;
  } catch {
    // not a Status object
  }
  return new KubeApiError(message, status, reason);
}

/** True when `err` is an API answer with this HTTP status. */
export function isStatus(err: unknown, status: number): boolean {
  return err instanceof KubeApiError && err.status === status;
}
