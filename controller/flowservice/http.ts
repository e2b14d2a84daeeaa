/** The request pipeline: rate limit → token → one attempt → classify → retry with backoff. */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { FlowServiceError, FlowServiceErrorCode, kindForStatus } from './errors.js';
import type { FlowServiceObserver } from './observer.js';
import { timerSleep, type Sleep, type TokenBucket } from './rate-limit.js';
import { decideRetry, type BackoffPolicy } from './retry.js';
import { errorFromResponse, parseBody } from './responses.js';
import type { RawRequest, RawResponse, Transport } from './transport.js';

/** User-Agent of every request: names the client to Adobe's support, and lets the simulator's
 * recorder tell the client's requests from a test's raw ones. */
export const CLIENT_USER_AGENT = 'mixpanel-dataflow-controller/0.1 (flowservice client)';

/** HTTP methods the client uses. */
export type HttpMethod = RawRequest['method'];

/** Query values; arrays become repeated parameters (Flow Service ANDs repeated `property`). */
export type QueryInput = Record<string, string | number | boolean | readonly string[] | undefined>;

/** A typed request against the platform gateway. */
export interface PlatformRequest<S extends z.ZodType | null> {
  /** Operation name for logs and metrics, e.g. `flows.patch`. */
  operation: string;
  method: HttpMethod;
  /** Path under the platform URL, e.g. `/data/foundation/flowservice/flows`. */
  path: string;
  query?: QueryInput;
  /** JSON body. */
  body?: unknown;
  /** Extra headers (If-Match, Accept). */
  headers?: Record<string, string>;
  /** Response schema; null when no body is expected (204). */
  schema: S;
  /** Defaults to true for GET/PUT/PATCH/DELETE, false for POST. */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Values to scrub from any error message (e.g. passwords inside this request's body). */
  secrets?: readonly string[];
}

/** Source of bearer tokens (the IMS provider). */
export interface TokenSource {
  getToken(signal?: AbortSignal): Promise<string>;
  /** Drops the cached token if it is still `token` (after a 401). */
  invalidate(token: string): void;
}

/** What the platform requester needs on every call; getters because credentials rotate. */
export interface PlatformContext {
  platformUrl: string;
  sandbox: string;
  requestTimeoutMs: number;
  policy: BackoffPolicy;
  transport: Transport;
  tokens: TokenSource;
  identity: () => { clientId: string; orgId: string; secrets: readonly string[] };
  bucket: () => TokenBucket;
  logger: Logger;
  observer: FlowServiceObserver;
  random?: () => number;
  sleep?: Sleep;
}

/** One attempt's outcome handed to the retry loop. */
export type Attempt<T> = (attempt: number) => Promise<T>;

/** Options of the generic retry loop. */
export interface RetryLoopOptions {
  operation: string;
  idempotent: boolean;
  policy: BackoffPolicy;
  logger: Logger;
  observer: FlowServiceObserver;
  signal?: AbortSignal;
  random?: () => number;
  /** How the loop waits between attempts (tests pass a virtual clock). */
  sleep?: Sleep;
}

/** Runs `attempt` until it succeeds, fails terminally, or the policy says stop. */
export async function withRetries<T>(opts: RetryLoopOptions, attempt: Attempt<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!(e instanceof FlowServiceError)) throw e;
      const decision = decideRetry(e, n, opts.policy, opts.idempotent, opts.random);
      if (!decision.retry) throw e;
      opts.logger.warn(
        {
          operation: opts.operation,
          code: e.code,
          status: e.status,
          adobeCode: e.adobeCode,
          retry: n + 1,
          delayMs: decision.delayMs,
        },
        'retrying Flow Service request',
      );
      const reason = e.retryAfterMs !== undefined ? 'retry-after' : 'backoff';
      opts.observer.onThrottled({ operation: opts.operation, reason, waitMs: decision.delayMs });
      await sleep(decision.delayMs, opts.signal, opts.operation, opts.sleep);
    }
  }
}

/** Sends a platform request with auth headers, the org's rate limit, one 401 refresh and retries. */
export async function platformRequest<S extends z.ZodType | null>(
  ctx: PlatformContext,
  req: PlatformRequest<S>,
): Promise<S extends z.ZodType ? z.output<S> : undefined> {
  const idempotent = req.idempotent ?? req.method !== 'POST';
  const url = buildUrl(ctx.platformUrl, req.path, req.query);
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  let refreshedAfter401 = false;
  const loop = {
    operation: req.operation,
    idempotent,
    policy: ctx.policy,
    logger: ctx.logger,
    observer: ctx.observer,
    signal: req.signal,
    random: ctx.random,
    sleep: ctx.sleep,
  };

  return withRetries(loop, async (attempt) => {
    for (;;) {
      const waited = await ctx
        .bucket()
        .acquire(req.signal)
        .catch((reason: unknown) => {
          throw new FlowServiceError({
            kind: 'aborted',
            operation: req.operation,
            method: req.method,
            cause: reason,
          });
        });
      if (waited > 0)
        ctx.observer.onThrottled({ operation: req.operation, reason: 'rate-limit', waitMs: waited });
      const token = await ctx.tokens.getToken(req.signal).catch((e: unknown) => {
        throw new NoRetry(e);
      });
      const { clientId, orgId, secrets } = ctx.identity();
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        'x-api-key': clientId,
        'x-gw-ims-org-id': orgId,
        'x-sandbox-name': ctx.sandbox,
        accept: 'application/json',
        'user-agent': CLIENT_USER_AGENT,
        ...req.headers,
      };
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      const res = await timedSend(
        ctx,
        {
          operation: req.operation,
          method: req.method,
          url,
          headers,
          body,
          timeoutMs: ctx.requestTimeoutMs,
          signal: req.signal,
        },
        attempt,
      );
      if (res.status >= 200 && res.status < 300) return parseBody(req, res);
      const error = errorFromResponse(req.operation, req.method, res, [
        ...secrets,
        token,
        ...(req.secrets ?? []),
      ]);
      // A 401 usually means the cached token expired early or was revoked: refresh once.
      if (error.kind === 'unauthorized' && !refreshedAfter401) {
        refreshedAfter401 = true;
        ctx.tokens.invalidate(token);
        ctx.logger.info({ operation: req.operation }, 'platform returned 401; refreshing the IMS token once');
        continue;
      }
      throw error;
    }
  }).catch((e: unknown) => {
    throw e instanceof NoRetry ? e.error : e;
  }) as Promise<S extends z.ZodType ? z.output<S> : undefined>;
}

/** Sends one attempt, reporting it to the observer and the debug log. */
export async function timedSend(
  ctx: Pick<PlatformContext, 'transport' | 'observer' | 'logger'>,
  raw: RawRequest,
  attempt: number,
): Promise<RawResponse> {
  const started = performance.now();
  const base = { operation: raw.operation, method: raw.method, attempt };
  try {
    const res = await ctx.transport.send(raw);
    const durationMs = performance.now() - started;
    const code = res.status >= 400 ? errorCodeForStatus(res.status) : undefined;
    ctx.observer.onRequest({ ...base, status: res.status, ...(code ? { code } : {}), durationMs });
    ctx.logger.debug(
      { ...base, path: raw.url.pathname, status: res.status, durationMs },
      'Flow Service request',
    );
    return res;
  } catch (e) {
    const durationMs = performance.now() - started;
    const code = e instanceof FlowServiceError ? e.code : undefined;
    ctx.observer.onRequest({ ...base, ...(code ? { code } : {}), durationMs });
    ctx.logger.debug({ ...base, path: raw.url.pathname, code, durationMs }, 'Flow Service request failed');
    throw e;
  }
}

/** Joins base URL, path and query; arrays become repeated parameters. */
export function buildUrl(baseUrl: string, path: string, query?: QueryInput): URL {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) url.searchParams.append(key, v);
    else url.searchParams.append(key, String(value));
  }
  return url;
}

/** Waits `ms` with `wait`, or rejects with an `aborted` error when the signal fires. */
export async function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  operation: string,
  wait: Sleep = timerSleep,
): Promise<void> {
  try {
    await wait(ms, signal);
  } catch (err) {
    if (!signal?.aborted) throw err;
    throw new FlowServiceError({ kind: 'aborted', operation, cause: signal.reason });
  }
}

function errorCodeForStatus(status: number): FlowServiceError['code'] {
  return FlowServiceErrorCode[kindForStatus(status)];
}

/** Carries an error through withRetries untouched (the token provider already retried it). */
class NoRetry {
  constructor(readonly error: unknown) {}
}
