/**
 * The secure-metrics filter's decisions and caches, on a virtual clock: the API server's answers
 * (TokenReview, SubjectAccessReview) are scripted; the real ones are exercised by
 * test/chart/rbac.cluster.test.ts and test/alerts/alerts.cluster.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeHttp } from '../../controller/runtime/kube-http.js';
import { kubeRequestAuthorizer, METRICS_AUTH_CACHE_MS } from '../../controller/runtime/metrics-auth.js';

/** An API server that knows two tokens and allows only `reader`. */
function fakeApi() {
  const calls: { path: string; body: { spec: Record<string, unknown> } }[] = [];
  let down = false;
  const users: Record<string, string> = { 'token-reader': 'reader', 'token-other': 'other' };
  const kube = {
    request: async (_method: string, path: string, opts: { body: { spec: Record<string, unknown> } }) => {
      calls.push({ path, body: opts.body });
      if (down) throw new Error('connection refused');
      if (path.endsWith('/tokenreviews')) {
        const user = users[opts.body.spec.token as string];
        return { status: user ? { authenticated: true, user: { username: user, groups: ['g'] } } : {} };
      }
      return { status: { allowed: opts.body.spec.user === 'reader' } };
    },
  } as unknown as KubeHttp;
  return { kube, calls, setDown: (v: boolean) => (down = v) };
}

describe('metrics authentication and authorization', () => {
  it('answers 401 without a valid token, 403 without access, and lets the reader through', async () => {
    const api = fakeApi();
    const auth = kubeRequestAuthorizer(api.kube, { now: () => 0 });
    expect(await auth(undefined, 'GET', '/metrics')).toMatchObject({ allowed: false, status: 401 });
    expect(await auth('Basic abc', 'GET', '/metrics')).toMatchObject({ allowed: false, status: 401 });
    expect(await auth('Bearer nope', 'GET', '/metrics')).toMatchObject({ allowed: false, status: 401 });
    expect(await auth('Bearer token-other', 'GET', '/metrics')).toEqual({
      allowed: false,
      status: 403,
      message: 'Authorization denied for user other',
    });
    expect(await auth('Bearer token-reader', 'GET', '/metrics')).toEqual({ allowed: true, user: 'reader' });
    const sar = api.calls.find((c) => c.path.endsWith('/subjectaccessreviews'))!;
    expect(sar.body.spec).toEqual({
      user: 'other',
      groups: ['g'],
      nonResourceAttributes: { path: '/metrics', verb: 'get' },
    });
  });

  it('caches reviews as controller-runtime does: tokens 1 min, allowed 5 min, denied 30 s', async () => {
    const api = fakeApi();
    let now = 0;
    const auth = kubeRequestAuthorizer(api.kube, { now: () => now });
    const count = (suffix: string) => api.calls.filter((c) => c.path.endsWith(suffix)).length;
    for (let i = 0; i < 10; i++) await auth('Bearer token-reader', 'GET', '/metrics');
    await auth('Bearer token-other', 'GET', '/metrics');
    expect([count('/tokenreviews'), count('/subjectaccessreviews')]).toEqual([2, 2]);

    now = METRICS_AUTH_CACHE_MS.denied + 1; // the denial expires, the rest is cached
    await auth('Bearer token-reader', 'GET', '/metrics');
    await auth('Bearer token-other', 'GET', '/metrics');
    expect([count('/tokenreviews'), count('/subjectaccessreviews')]).toEqual([2, 3]);

    now = METRICS_AUTH_CACHE_MS.token + 1; // token reviews expire; the allowed decision is still cached
    await auth('Bearer token-reader', 'GET', '/metrics');
    expect([count('/tokenreviews'), count('/subjectaccessreviews')]).toEqual([3, 3]);
    // Tokens never reach the cache keys or the answers.
    expect(JSON.stringify(await auth('Bearer token-reader', 'GET', '/metrics'))).not.toContain('token-');
  });

  it('answers 500 and caches nothing while the API server cannot be asked', async () => {
    const api = fakeApi();
    const auth = kubeRequestAuthorizer(api.kube, { now: () => 0 });
    api.setDown(true);
    expect(await auth('Bearer token-reader', 'GET', '/metrics')).toMatchObject({
      allowed: false,
      status: 500,
    });
    api.setDown(false);
    expect(await auth('Bearer token-reader', 'GET', '/metrics')).toEqual({ allowed: true, user: 'reader' });
  });
});
