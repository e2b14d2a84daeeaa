import { describe, expect, it } from '@jest/globals';
import { ManualClock, SIMULATOR_DEFAULTS, startSimulator } from '../../simulator/index.js';
import type { FlowServiceClient, RequestEvent, ThrottledEvent } from '../../controller/flowservice/index.js';
import { captureLogger, clientFor, SPECS, useHarness, type SimHarness } from './sim-harness.js';

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

/**
 * A simulator on a clock that stands still, and a client sleeping on the same clock: time moves only
 * when the test advances it, so rates and waits are measured in simulated time, exactly.
 */
async function virtualTime() {
  const clock = new ManualClock();
  const sim = await startSimulator({ clock });
  const control = async (path: string, body: unknown) => {
    const res = await fetch(`${sim.url}/__simulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`control ${path}: ${res.status}`);
  };
  return {
    clock,
    // clientFor reads only the URL of a harness.
    h: { url: sim.url } as SimHarness,
    clientClock: { now: () => clock.now(), sleep: (ms: number) => clock.sleep(ms) },
    faults: (rules: unknown[]) => control('faults', { seed: 1, rules }),
    close: () => sim.close(),
  };
}

/** Resolves once `done()` holds, checking between I/O turns; gives up after `turns` checks. */
async function until(done: () => boolean, turns = 20_000): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i >= turns) throw new Error('the awaited condition never held');
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('retries', () => {
  it('waits for Retry-After after a 429, once, and then succeeds', async () => {
    const waits: number[] = [];
    const clock = { now: () => performance.now(), sleep: async (ms: number) => void waits.push(ms) };
    const { client, events } = track(clientFor(env.h, {}, { clock }));
    await env.h.faults([{ path: SPEC_PATH, status: 429, times: 1 }]);
    await expect(getSpec(client)).resolves.toMatchObject({ id: SPECS.mixpanelSource });
    // One wait, not a backoff series: the simulator's Retry-After of 1 s plus at most 10 % jitter.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1_000);
    expect(waits[0]).toBeLessThanOrEqual(1_100);
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
    const v = await virtualTime();
    const { client } = clientFor(v.h);
    try {
      await v.faults([{ path: SPEC_PATH, latencyMs: 1_500 }]);
      const controller = new AbortController();
      const pending = client.connectionSpecs.get(SPECS.mixpanelSource, { signal: controller.signal });
      await until(() => v.clock.pending() === 1); // the simulator holds the request on its clock
      controller.abort();
      await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
      // The simulator never answered: the client gave up on its own.
      expect(v.clock.pending()).toBe(1);
    } finally {
      await client.close();
      await v.close();
    }
  });
});

describe('rate limit', () => {
  // The simulator answers 429 beyond 18 requests per second of its clock; a bucket of 10/s with
  // burst 5 sends at most 15 in any second.
  const serverLimit = { path: SPEC_PATH, rateLimit: { limit: 18, windowMs: 1_000, retryAfterSeconds: 1 } };

  it('keeps two clients of one org under the configured rate together', async () => {
    const v = await virtualTime();
    const throttled: ThrottledEvent[] = [];
    const bEvents: RequestEvent[] = [];
    const observer = {
      onRequest: (e: RequestEvent) => bEvents.push(e),
      onTokenRefresh: () => {},
      onThrottled: (e: ThrottledEvent) => throttled.push(e),
    };
    const settings = { rateLimit: { requestsPerSecond: 10, burst: 5 }, maxRetries: 0 };
    const a = clientFor(v.h, settings, { clock: v.clientClock });
    const b = clientFor(v.h, settings, { clock: v.clientClock, observer });
    try {
      await Promise.all([getSpec(a.client), getSpec(b.client)]); // tokens first
      v.clock.advance(1_000); // the bucket refills to its burst
      await v.faults([serverLimit]);
      let answered = 0;
      const start = v.clock.now();
      let finished = false;
      const all = Promise.all(
        Array.from({ length: 15 }, () => [getSpec(a.client), getSpec(b.client)])
          .flat()
          .map((call) => call.finally(() => answered++)),
      ).then(() => (finished = true));
      // Discrete time: once every request is answered or waiting for its slot, jump to the next slot.
      while (!finished) {
        await until(() => finished || answered + v.clock.pending() === 30);
        const next = v.clock.nextWakeup();
        if (!finished && next !== undefined) v.clock.advance(next - v.clock.now());
      }
      await all;
      const seconds = (v.clock.now() - start) / 1000;
      const statuses = [...statusesOf(a.events), ...statusesOf(bEvents)];
      expect(statuses).toHaveLength(32);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      // 30 requests at 10/s after a burst of 5: the last one goes out at 2.5 s of simulated time.
      expect(seconds).toBe(2.5);
      expect(throttled.some((e) => e.reason === 'rate-limit')).toBe(true);
    } finally {
      await Promise.all([a.client.close(), b.client.close()]);
      await v.close();
    }
  });

  it('would trip the same server limit without the bucket', async () => {
    const v = await virtualTime();
    const { client, events } = clientFor(v.h, {
      rateLimit: { requestsPerSecond: 1_000, burst: 1_000 },
      maxRetries: 0,
    });
    try {
      await getSpec(client);
      await v.faults([serverLimit]);
      await Promise.allSettled(Array.from({ length: 30 }, () => getSpec(client)));
      // All 30 arrive within one window of the simulator's clock: 18 pass, 12 are refused.
      expect(statusesOf(events).filter((s) => s === 429)).toHaveLength(12);
    } finally {
      await client.close();
      await v.close();
    }
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
