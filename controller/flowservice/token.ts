/** Adobe IMS OAuth Server-to-Server token provider: cached, single-flight, rotatable. */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { FlowServiceCredentials } from './config.js';
import { FlowServiceError } from './errors.js';
import { buildUrl, CLIENT_USER_AGENT, timedSend, withRetries, type TokenSource } from './http.js';
import { errorFromResponse } from './responses.js';
import type { FlowServiceObserver } from './observer.js';
import type { BackoffPolicy } from './retry.js';
import type { Transport } from './transport.js';

/** Operation name of the token request in logs, metrics and errors. */
export const TOKEN_OPERATION = 'ims.token';

// expires_in is in seconds (DEVCON); tolerate it arriving as a numeric string.
const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive(),
});

/** Settings of the provider. */
export interface ImsTokenProviderOptions {
  imsUrl: string;
  credentials: FlowServiceCredentials;
  transport: Transport;
  policy: BackoffPolicy;
  requestTimeoutMs: number;
  /** Refresh this long before expiry, capped at 10% of the token lifetime. */
  refreshMarginMs: number;
  logger: Logger;
  observer: FlowServiceObserver;
  now?: () => number;
}

interface CachedToken {
  token: string;
  refreshAt: number;
  generation: number;
}

/**
 * Fetches `POST {imsUrl}/ims/token/v3` (form-encoded client_credentials) and caches the token until
 * shortly before `expires_in`. Concurrent callers share one in-flight request. `setCredentials`
 * starts a new generation: no token obtained with older credentials is handed out afterwards.
 */
export class ImsTokenProvider implements TokenSource {
  private credentials: FlowServiceCredentials;
  private generation = 0;
  private cached: CachedToken | undefined;
  private inflight: { generation: number; promise: Promise<string> } | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: ImsTokenProviderOptions) {
    this.credentials = opts.credentials;
    this.now = opts.now ?? Date.now;
  }

  /** A valid token, fetching one if none is cached. The signal only stops this caller's wait. */
  async getToken(signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    const cached = this.cached;
    if (cached && cached.generation === this.generation && this.now() < cached.refreshAt) return cached.token;
    if (!this.inflight || this.inflight.generation !== this.generation) {
      const generation = this.generation;
      const promise = this.fetchToken(generation).finally(() => {
        if (this.inflight?.promise === promise) this.inflight = undefined;
      });
      this.inflight = { generation, promise };
    }
    return raceAbort(this.inflight.promise, signal);
  }

  /** Drops the cached token if it is still `token`, so concurrent 401s cause one refresh. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  /** Swaps credentials (secret rotation); the old token is never reused. */
  setCredentials(credentials: FlowServiceCredentials): void {
    this.credentials = credentials;
    this.generation += 1;
    this.cached = undefined;
    this.inflight = undefined;
  }

  /** Secret values to scrub from messages: the client secret and the current token. */
  secrets(): string[] {
    return this.cached ? [this.credentials.clientSecret, this.cached.token] : [this.credentials.clientSecret];
  }

  private async fetchToken(generation: number): Promise<string> {
    const { logger, observer } = this.opts;
    const credentials = this.credentials;
    const started = performance.now();
    try {
      const token = await withRetries(
        { operation: TOKEN_OPERATION, idempotent: true, policy: this.opts.policy, logger, observer },
        (attempt) => this.requestOnce(credentials, attempt),
      );
      const lifetimeMs = token.expires_in * 1000;
      const margin = Math.min(this.opts.refreshMarginMs, lifetimeMs * 0.1);
      if (generation === this.generation) {
        this.cached = { token: token.access_token, refreshAt: this.now() + lifetimeMs - margin, generation };
      }
      observer.onTokenRefresh({ result: 'success', durationMs: performance.now() - started });
      logger.info({ expiresInS: token.expires_in }, 'obtained IMS access token');
      return token.access_token;
    } catch (e) {
      const code = e instanceof FlowServiceError ? e.code : undefined;
      observer.onTokenRefresh({
        result: 'failure',
        durationMs: performance.now() - started,
        ...(code ? { code } : {}),
      });
      logger.warn(
        { code, status: e instanceof FlowServiceError ? e.status : undefined },
        'IMS token request failed',
      );
      throw e;
    }
  }

  private async requestOnce(
    credentials: FlowServiceCredentials,
    attempt: number,
  ): Promise<z.output<typeof TokenResponseSchema>> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      scope: credentials.scopes.join(','),
    }).toString();
    const res = await timedSend(
      this.opts,
      {
        operation: TOKEN_OPERATION,
        method: 'POST',
        url: buildUrl(this.opts.imsUrl, '/ims/token/v3'),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'user-agent': CLIENT_USER_AGENT,
        },
        body,
        timeoutMs: this.opts.requestTimeoutMs,
      },
      attempt,
    );
    if (res.status !== 200) {
      const error = errorFromResponse(TOKEN_OPERATION, 'POST', res, [credentials.clientSecret]);
      // IMS answers bad credentials or scopes with 400/401/403 (OAuth invalid_client, invalid_scope):
      // for the engine all of them are a credentials problem.
      if (error.kind === 'validation' || error.kind === 'forbidden') {
        throw new FlowServiceError({ ...detailsOf(error), kind: 'unauthorized' });
      }
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      json = undefined;
    }
    const parsed = TokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new FlowServiceError({
        kind: 'invalid-response',
        operation: TOKEN_OPERATION,
        method: 'POST',
        status: res.status,
        detail: 'token response lacks access_token or expires_in',
      });
    }
    return parsed.data;
  }
}

function detailsOf(e: FlowServiceError): ConstructorParameters<typeof FlowServiceError>[0] {
  return {
    kind: e.kind,
    operation: e.operation,
    method: e.method,
    status: e.status,
    adobeCode: e.adobeCode,
    adobeShortCode: e.adobeShortCode,
    adobeMessage: e.adobeMessage,
    requestId: e.requestId,
    retryAfterMs: e.retryAfterMs,
  };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(new FlowServiceError({ kind: 'aborted', operation: TOKEN_OPERATION, cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
