/** IMS OAuth server-to-server tokens and the gateway header checks every platform call passes. */
import type { IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import { flowError, FLOW_CODES, gatewayError, GATEWAY_ERRORS, oauthError } from './errors.js';
import type { Scope } from './store.js';

/** One registered OAuth client (a Developer Console credential). */
export interface Credential {
  clientId: string;
  clientSecret: string;
  orgId: string;
}

interface TokenInfo {
  clientId: string;
  orgId: string;
  expiresAt: number;
}

/** Who a platform call is from, and where it acts. */
export interface CallContext extends Scope {
  clientId: string;
}

/** Token endpoint messages (IMS's own wording is not documented). */
export const IMS_MESSAGES = {
  GRANT: 'grant_type must be client_credentials',
  CLIENT_ID: 'client_id is required',
  CLIENT_SECRET: 'client_secret is required',
  SCOPE: 'scope is required',
  INVALID_CLIENT: 'invalid client_id or client_secret',
} as const;

/** Issues and checks access tokens against a simulated clock. */
export class Ims {
  private credentials = new Map<string, Credential>();
  private tokens = new Map<string, TokenInfo>();
  /** Number of token requests received (valid or not). */
  tokenRequests = 0;

  constructor(
    private readonly now: () => number,
    public lifetimeSeconds: number,
  ) {}

  /** Registers (or replaces) a client credential. */
  addCredential(c: Credential): void {
    this.credentials.set(c.clientId, { ...c });
  }

  /** Handles a token request's form parameters; returns the documented token body. */
  issue(form: URLSearchParams): Record<string, unknown> {
    this.tokenRequests += 1;
    if (form.get('grant_type') !== 'client_credentials') {
      throw oauthError(400, 'unsupported_grant_type', IMS_MESSAGES.GRANT);
    }
    const clientId = form.get('client_id');
    const secret = form.get('client_secret');
    if (!clientId) throw oauthError(400, 'invalid_request', IMS_MESSAGES.CLIENT_ID);
    if (!secret) throw oauthError(400, 'invalid_request', IMS_MESSAGES.CLIENT_SECRET);
    if (!form.get('scope')) throw oauthError(400, 'invalid_scope', IMS_MESSAGES.SCOPE);
    const cred = this.credentials.get(clientId);
    if (!cred || cred.clientSecret !== secret) {
      throw oauthError(401, 'invalid_client', IMS_MESSAGES.INVALID_CLIENT);
    }
    this.prune();
    const token = `sim-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, {
      clientId,
      orgId: cred.orgId,
      expiresAt: this.now() + this.lifetimeSeconds * 1000,
    });
    return { access_token: token, token_type: 'bearer', expires_in: this.lifetimeSeconds };
  }

  /** Drops expired tokens so memory tracks live tokens only. */
  private prune(): void {
    const now = this.now();
    for (const [t, info] of this.tokens) if (info.expiresAt <= now) this.tokens.delete(t);
  }

  /** Live token info, or undefined when unknown or expired. */
  verify(token: string): TokenInfo | undefined {
    const info = this.tokens.get(token);
    if (!info) return undefined;
    if (info.expiresAt <= this.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return info;
  }

  /** Invalidates every token (e.g. a test simulating revocation). */
  revokeAll(): void {
    this.tokens.clear();
  }

  /** Number of unexpired tokens. */
  activeTokens(): number {
    this.prune();
    return this.tokens.size;
  }

  /** Forgets tokens and counters (credentials stay). */
  reset(): void {
    this.tokens.clear();
    this.tokenRequests = 0;
  }
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

const SANDBOX_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Checks Authorization, x-api-key, x-gw-ims-org-id and x-sandbox-name, in the gateway's order. */
export function authenticate(headers: IncomingHttpHeaders, ims: Ims): CallContext {
  const authz = header(headers, 'authorization');
  if (!authz) throw gatewayError(GATEWAY_ERRORS.TOKEN_MISSING);
  const m = /^Bearer\s+(\S+)$/i.exec(authz);
  const info = m ? ims.verify(m[1]!) : undefined;
  if (!info) throw gatewayError(GATEWAY_ERRORS.TOKEN_INVALID);
  const apiKey = header(headers, 'x-api-key');
  if (!apiKey) throw gatewayError(GATEWAY_ERRORS.API_KEY_MISSING);
  if (apiKey !== info.clientId) throw gatewayError(GATEWAY_ERRORS.API_KEY_INVALID);
  const org = header(headers, 'x-gw-ims-org-id');
  if (!org) throw gatewayError(GATEWAY_ERRORS.ORG_MISSING);
  if (org !== info.orgId) throw gatewayError(GATEWAY_ERRORS.NOT_ENTITLED);
  const sandbox = header(headers, 'x-sandbox-name');
  if (!sandbox) {
    throw flowError(
      400,
      FLOW_CODES.SANDBOX_MISSING,
      'The header x-sandbox-name is missing in the request. Please add the header in the request and try again.',
    );
  }
  if (!SANDBOX_RE.test(sandbox)) {
    throw flowError(
      404,
      FLOW_CODES.SANDBOX_NOT_FOUND,
      `The sandbox with the name '${sandbox}' could not be found. Please ensure that the sandbox name is correct and try again.`,
    );
  }
  return { clientId: info.clientId, orgId: org, sandboxName: sandbox };
}
