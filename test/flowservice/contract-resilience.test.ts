import { describe, expect, it } from '@jest/globals';
import { SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import type { FlowServiceClient, ThrottledEvent } from '../../controller/flowservice/index.js';
import { captureLogger, clientFor, SPECS, useHarness } from './sim-harness.js';

const env = useHarness();
const track = env.track;

const SPEC_PATH = '/connectionSpecs/';
const getSpec = (c: FlowServiceClient) => c.connectionSpecs.get(SPECS.mixpanelSource);
const statusesOf = (
  events: { operation: string; status?: number; code?: string }[],
  op = 'connectionSpecs.get',
) => events.filter((e) => e.operation === op).map((e) => e.status ?? e.code);
const newConnection = (c: FlowServiceClient, name: string) =>
  c.connections.create({
    name,
    auth: { specName: 'Basic Authentication', params: { username: 'u', password: 'mixpanel-pass-123' } },
    connectionSpec: { id: SPECS.mixpanelSource, version: '1.0' },
  });

describe('retries', () => {
  it('waits for Retry-After after a 429 and then succeeds', async () => {
    const { client, events } = track(clientFor(env.h));
    await getSpec(client); // warm the token and the socket so only the wait is measured
    await env.h.faults([{ path: SPEC_PATH, status: 429, times: 1 }]);
    const started = performance.now();
    await expect(getSpec(client)).resolves.toMatchObject({ id: SPECS.mixpanelSource });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1000); // the simulator sends Retry-After: 1
    expect(elapsed).toBeLessThan(2000); // one wait, not a backoff series
    expect(statusesOf(events).slice(-2)).toEqual([429, 200]);
  });

  it('surfaces a 429 whose Retry-After is longer than it is willing to wait, with the delay', async () => {
    await env.h.faults([
      { path: SPEC_PATH, rateLimit: { limit: 0, windowMs: 60_000, retryAfterSeconds: 30 } },
    ]);
    const { client } = track(clientFor(env.h));
    await expect(getSpec(client)).rejects.toMatchObject({
      kind: 'rate-limited',
      status: 429,
      adobeCode: '429050',
      retryAfterMs: 30_000,
      retryable: true,
    });
  });

  it('retries 5xx answers with backoff and then succeeds', async () => {
    await env.h.faults([{ path: SPEC_PATH, status: 503, times: 2 }]);
    const { client, events } = track(clientFor(env.h));
    await expect(getSpec(client)).resolves.toMatchObject({ id: SPECS.mixpanelSource });
    expect(statusesOf(events)).toEqual([503, 503, 200]);
  });

  it('gives up after maxRetries and reports a retryable server error with Adobe code', async () => {
    await env.h.faults([{ path: SPEC_PATH, status: 500 }]);
    const { client, events } = track(clientFor(env.h, { maxRetries: 2 }));
    const err = await getSpec(client).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'server', status: 500, retryable: true });
    expect((err as { adobeCode: string }).adobeCode).toMatch(/^FLOW-\d+-500$/);
    expect(statusesOf(events)).toEqual([500, 500, 500]);
  });

  it('retries a GET whose connection was dropped without an answer', async () => {
    await env.h.faults([{ path: SPEC_PATH, dropRate: 1, times: 1 }]);
    const { client, events } = track(clientFor(env.h));
    await expect(getSpec(client)).resolves.toMatchObject({ id: SPECS.mixpanelSource });
    expect(statusesOf(events)).toEqual(['FLOWSERVICE_NETWORK', 200]);
  });

  it('retries a GET that exceeded the request timeout', async () => {
    await env.h.faults([{ path: SPEC_PATH, latencyMs: 1_000, times: 1 }]);
    const { client, events } = track(clientFor(env.h, { requestTimeoutMs: 300 }));
    await expect(getSpec(client)).resolves.toMatchObject({ id: SPECS.mixpanelSource });
    expect(statusesOf(events)).toEqual(['FLOWSERVICE_TIMEOUT', 200]);
  });

  it('does not resend a create after a 5xx, so it cannot create a duplicate', async () => {
    await env.h.faults([{ method: 'POST', path: '/connections$', status: 503, times: 1 }]);
    const { client, events } = track(clientFor(env.h));
    await expect(newConnection(client, 'no-dup')).rejects.toMatchObject({ kind: 'server', retryable: true });
    expect(statusesOf(events, 'connections.create')).toEqual([503]);
  });

  it('does not resend a create whose connection dropped, because the server may have acted on it', async () => {
    await env.h.faults([{ method: 'POST', path: '/connections$', dropRate: 1, times: 1 }]);
    const { client, events } = track(clientFor(env.h));
    await expect(newConnection(client, 'no-dup-drop')).rejects.toMatchObject({ kind: 'network' });
    expect(statusesOf(events, 'connections.create')).toEqual(['FLOWSERVICE_NETWORK']);
  });

  it('resends a create after a 429, which the server did not act on', async () => {
    await env.h.faults([{ method: 'POST', path: '/connections$', status: 429, times: 1 }]);
    const { client, events } = track(clientFor(env.h));
    const created = await newConnection(client, 'after-429');
    expect(statusesOf(events, 'connections.create')).toEqual([429, 201]);
    expect(await client.connections.count({ property: [`name==after-429`] })).toBe(1);
    expect(created.id).toBeTruthy();
  });

  it('resends a create when the server could not be reached at all', async () => {
    const { client, events } = track(clientFor(env.h, { platformUrl: 'http://127.0.0.1:9', maxRetries: 1 }));
    await expect(newConnection(client, 'unreachable')).rejects.toMatchObject({
      kind: 'network',
      notSent: true,
    });
    expect(statusesOf(events, 'connections.create')).toEqual(['FLOWSERVICE_NETWORK', 'FLOWSERVICE_NETWORK']);
  });

  it('refuses calls after close without retrying them', async () => {
    const { client, events } = clientFor(env.h);
    await getSpec(client);
    await client.close();
    await expect(getSpec(client)).rejects.toMatchObject({ kind: 'aborted' });
    expect(statusesOf(events)).toEqual([200, 'FLOWSERVICE_ABORTED']);
  });

  it('stops waiting when the caller aborts', async () => {
    await env.h.faults([{ path: SPEC_PATH, latencyMs: 1_500 }]);
    const { client } = track(clientFor(env.h));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await expect(
      client.connectionSpecs.get(SPECS.mixpanelSource, { signal: controller.signal }),
    ).rejects.toMatchObject({
      kind: 'aborted',
    });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('rate limit', () => {
  // The simulator answers 429 beyond 18 requests per second; a bucket of 10/s with burst 5 sends at most
  // 15 in any second (the margin absorbs network jitter on a loaded machine).
  const serverLimit = { path: SPEC_PATH, rateLimit: { limit: 18, windowMs: 1_000, retryAfterSeconds: 1 } };

  it('keeps two clients of one org under the configured rate together', async () => {
    const throttled: ThrottledEvent[] = [];
    const observer = {
      onRequest: () => {},
      onTokenRefresh: () => {},
      onThrottled: (e: ThrottledEvent) => throttled.push(e),
    };
    const settings = { rateLimit: { requestsPerSecond: 10, burst: 5 }, maxRetries: 0 };
    const a = track(clientFor(env.h, settings));
    const b = track(clientFor(env.h, settings, { observer }));
    await Promise.all([getSpec(a.client), getSpec(b.client)]); // tokens first
    await new Promise((r) => setTimeout(r, 600)); // let the bucket refill to its burst
    await env.h.faults([serverLimit]);
    const started = performance.now();
    await Promise.all(Array.from({ length: 15 }, () => [getSpec(a.client), getSpec(b.client)]).flat());
    const seconds = (performance.now() - started) / 1000;
    expect([...statusesOf(a.events), ...statusesOf(b.events)].filter((s) => s === 429)).toEqual([]);
    // 30 requests at 10/s after a burst of 5 take at least 2.5 s: under 12 requests per second overall.
    expect(seconds).toBeGreaterThanOrEqual(2.4);
    expect(30 / seconds).toBeLessThanOrEqual(12.5);
    expect(throttled.some((e) => e.reason === 'rate-limit')).toBe(true);
  });

  it('would trip the same server limit without the bucket', async () => {
    const { client, events } = track(
      clientFor(env.h, { rateLimit: { requestsPerSecond: 1_000, burst: 1_000 }, maxRetries: 0 }),
    );
    await getSpec(client);
    await env.h.faults([serverLimit]);
    await Promise.allSettled(Array.from({ length: 30 }, () => getSpec(client)));
    expect(statusesOf(events).filter((s) => s === 429).length).toBeGreaterThan(0);
  });
});

describe('secrets', () => {
  it('never appear in logs or error messages', async () => {
    const log = captureLogger();
    const errors: unknown[] = [];
    const catchTo = (p: Promise<unknown>) => p.catch((e: unknown) => errors.push(e));
    const mixpanelPassword = 'mixpanel-pass-123';

    const good = track(clientFor(env.h, {}, { logger: log.logger }));
    await newConnection(good.client, 'secret-ok');
    await catchTo(
      good.client.connections.create({
        name: 'secret-bad-spec',
        auth: { specName: 'OAuth 2 Refresh Code', params: { username: 'u', password: mixpanelPassword } },
        connectionSpec: { id: SPECS.mixpanelSource, version: '1.0' },
      }),
    );
    await env.h.faults([{ path: '^/data/', status: 401 }]);
    await catchTo(getSpec(good.client));
    await env.h.faults([]);
    const bad = track(
      clientFor(
        env.h,
        { credentials: { ...SIMULATOR_DEFAULTS, clientSecret: 'wrong-client-secret' } },
        { logger: log.logger },
      ),
    );
    await catchTo(getSpec(bad.client));
    bad.client.updateCredentials({ ...SIMULATOR_DEFAULTS });
    await getSpec(bad.client);

    expect(errors).toHaveLength(3);
    const text = [...log.lines, ...errors.map((e) => `${String(e)} ${JSON.stringify(e)}`)].join('\n');
    expect(log.lines.length).toBeGreaterThan(5);
    for (const secret of [
      SIMULATOR_DEFAULTS.clientSecret,
      'wrong-client-secret',
      mixpanelPassword,
      'Bearer ',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/sim-[A-Za-z0-9_-]{20,}/); // the simulator's access tokens
  });
});
