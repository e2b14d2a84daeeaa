/**
 * Authentication and authorization of metrics scrapes against the API server, as
 * controller-runtime's `filters.WithAuthenticationAndAuthorization` does: the bearer token is
 * checked with a TokenReview, the user's access to the path with a SubjectAccessReview
 * (nonResourceAttributes: path, verb = the lower-case HTTP method). Answers are cached like its
 * delegating authenticator and authorizer: token reviews 1 min, allowed 5 min, denied 30 s, so a
 * scrape every few seconds costs the API server a few requests per minute. Tokens are cached by
 * their SHA-256 only and never logged.
 */
import { createHash } from 'node:crypto';
import type { KubeHttp } from './kube-http.js';

/** Cache lifetimes (controller-runtime pkg/metrics/filters/filters.go). */
export const METRICS_AUTH_CACHE_MS = { token: 60_000, allowed: 300_000, denied: 30_000 } as const;

/** What the filter decides for one request. */
export type AuthDecision =
  { allowed: true; user: string } | { allowed: false; status: 401 | 403 | 500; message: string };

/** Decides one request from its Authorization header, method and path. */
export type RequestAuthorizer = (
  authorization: string | undefined,
  method: string,
  path: string,
) => Promise<AuthDecision>;

interface UserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}
interface TokenReview {
  status?: { authenticated?: boolean; user?: UserInfo; error?: string };
}
interface SubjectAccessReview {
  status?: { allowed?: boolean; reason?: string };
}

/** Options of kubeRequestAuthorizer. */
export interface KubeAuthorizerOptions {
  /** Epoch ms (tests pass a virtual clock). */
  now?: () => number;
  cacheMs?: Partial<typeof METRICS_AUTH_CACHE_MS>;
}

class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  constructor(private readonly now: () => number) {}
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until > this.now()) return e.value;
    this.entries.delete(key);
    return undefined;
  }
  set(key: string, value: V, ttlMs: number): void {
    // Bounded: expired entries go first; a flood of distinct tokens cannot grow memory forever.
    if (this.entries.size >= 1024) for (const k of [...this.entries.keys()]) this.get(k);
    if (this.entries.size >= 1024) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: this.now() + ttlMs });
  }
}

/** A RequestAuthorizer that asks the API server `kube` talks to. */
export function kubeRequestAuthorizer(kube: KubeHttp, opts: KubeAuthorizerOptions = {}): RequestAuthorizer {
  const now = opts.now ?? Date.now;
  const ttl = { ...METRICS_AUTH_CACHE_MS, ...opts.cacheMs };
  const users = new TtlCache<UserInfo | null>(now);
  const decisions = new TtlCache<boolean>(now);

  const authenticate = async (token: string): Promise<UserInfo | null> => {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = users.get(key);
    if (cached !== undefined) return cached;
    const review = await kube.request<TokenReview>('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    });
    const user = review.status?.authenticated && review.status.user ? review.status.user : null;
    users.set(key, user, ttl.token);
    return user;
  };

  const authorize = async (user: UserInfo, verb: string, path: string): Promise<boolean> => {
    const key = JSON.stringify([user.username, user.uid, user.groups, user.extra, verb, path]);
    const cached = decisions.get(key);
    if (cached !== undefined) return cached;
    const review = await kube.request<SubjectAccessReview>(
      'POST',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: user.username,
            ...(user.uid ? { uid: user.uid } : {}),
            ...(user.groups ? { groups: user.groups } : {}),
            ...(user.extra ? { extra: user.extra } : {}),
            nonResourceAttributes: { path, verb },
          },
        },
      },
    );
    const allowed = review.status?.allowed === true;
    decisions.set(key, allowed, allowed ? ttl.allowed : ttl.denied);
    return allowed;
  };

  return async (authorization, method, path) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return { allowed: false, status: 401, message: 'Unauthorized' };
    let user: UserInfo | null;
    try {
      user = await authenticate(m[1]!);
    } catch {
      return { allowed: false, status: 500, message: 'Authentication failed' };
    }
    if (!user) return { allowed: false, status: 401, message: 'Unauthorized' };
    try {
      if (await authorize(user, method.toLowerCase(), path)) return { allowed: true, user: user.username };
    } catch {
      return { allowed: false, status: 500, message: `Authorization for user ${user.username} failed` };
    }
    return { allowed: false, status: 403, message: `Authorization denied for user ${user.username}` };
  };
}
