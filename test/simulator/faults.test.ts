import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../simulator/index.js';
import { FS, Harness } from './helpers.js';

describe('fault injection', () => {
  let h: Harness;
  // Time stands still unless a test moves it: windows and latency end exactly when advanced.
  const clock = new ManualClock();
  beforeAll(async () => {
    h = await Harness.start({ clock });
  });
  afterEach(() => h.control('DELETE', 'faults'));
  afterAll(() => h.close());

  async function statuses(n: number, path = `${FS}/flows`): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await h.call('GET', path)).status);
    return out;
  }

  it('injects errors at the configured rate, reproducibly for a seed', async () => {
    const config = {
      seed: 42,
      rules: [{ path: '^/data/foundation/flowservice/', statusRates: { '500': 0.3, '503': 0.2 } }],
    };
    await h.control('POST', 'faults', config);
    const first = await statuses(200);
    const failed500 = first.filter((s) => s === 500).length;
    const failed503 = first.filter((s) => s === 503).length;
    expect(failed500).toBeGreaterThan(35);
    expect(failed500).toBeLessThan(85);
    expect(failed503).toBeGreaterThan(20);
    expect(failed503).toBeLessThan(60);
    expect(first.filter((s) => s === 200).length).toBe(200 - failed500 - failed503);
    await h.control('POST', 'faults', config);
    expect(await statuses(200)).toEqual(first);
  });

  it('gives injected 5xx errors the Flow Service error body', async () => {
    await h.control('POST', 'faults', { rules: [{ status: 503, times: 1 }] });
    const r = await h.call('GET', `${FS}/flows`);
    expect(r.status).toBe(503);
    expect(r.body.type).toBe('https://ns.adobe.com/aep/errors/FLOW-1103-503');
    expect((await h.call('GET', `${FS}/flows`)).status).toBe(200);
  });

  it('fails only the next N requests of one method and path', async () => {
    await h.control('POST', 'faults', {
      rules: [{ method: 'POST', path: '/connections$', status: 500, times: 2 }],
    });
    expect((await h.call('GET', `${FS}/connections`)).status).toBe(200);
    const body = {
      name: 'x',
      connectionSpec: { id: 'fd2c8ff3-1de0-4f6b-8fa8-4264784870eb', version: '1.0' },
      auth: { specName: 'Basic Authentication', params: { username: 'u', password: 'p' } },
    };
    expect((await h.call('POST', `${FS}/connections`, body)).status).toBe(500);
    expect((await h.call('POST', `${FS}/connections`, body)).status).toBe(500);
    expect((await h.call('POST', `${FS}/connections`, body)).status).toBe(201);
  });

  it('rate limits with 429, Retry-After and the gateway 429050 body', async () => {
    await h.control('POST', 'faults', { rules: [{ rateLimit: { limit: 3, windowMs: 60_000 } }] });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await h.call('GET', `${FS}/flows`));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    const limited = results[3]!;
    expect(limited.body).toEqual({ error_code: '429050', message: 'Too many requests' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('honours a configured Retry-After and frees up after the window', async () => {
    await h.control('POST', 'faults', {
      rules: [{ rateLimit: { limit: 1, windowMs: 1500, retryAfterSeconds: 7 } }],
    });
    expect((await h.call('GET', `${FS}/flows`)).status).toBe(200);
    const limited = await h.call('GET', `${FS}/flows`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    clock.advance(1_499);
    expect((await h.call('GET', `${FS}/flows`)).status).toBe(429);
    clock.advance(1);
    expect((await h.call('GET', `${FS}/flows`)).status).toBe(200);
  });

  it('adds latency on the simulated clock, only to the matching path', async () => {
    await h.control('POST', 'faults', { rules: [{ path: '/flows$', latencyMs: 400 }] });
    let answered: number | undefined;
    const flows = h.call('GET', `${FS}/flows`).then((r) => (answered = r.status));
    while (clock.pending() === 0) await new Promise((r) => setImmediate(r)); // the request arrived
    // The other path answers while the flows request is still held on the clock.
    expect((await h.call('GET', `${FS}/connections`)).status).toBe(200);
    expect(clock.pending()).toBe(1);
    clock.advance(399);
    expect(clock.pending()).toBe(1);
    expect(answered).toBeUndefined();
    clock.advance(1);
    expect(clock.pending()).toBe(0);
    await flows;
    expect(answered).toBe(200);
  });

  it('drops connections without answering', async () => {
    await h.control('POST', 'faults', { rules: [{ path: '/flows$', dropRate: 1 }] });
    await expect(h.call('GET', `${FS}/flows`)).rejects.toThrow();
    expect((await h.call('GET', `${FS}/connections`)).status).toBe(200);
  });

  it('can fail the IMS token endpoint too', async () => {
    await h.control('POST', 'faults', { rules: [{ path: '^/ims/', status: 500, times: 1 }] });
    const r = await h.token_(h.clientId, 'sim-client-secret');
    expect(r.status).toBe(500);
    expect((await h.token_(h.clientId, 'sim-client-secret')).status).toBe(200);
  });

  it('never faults the control endpoints', async () => {
    await h.control('POST', 'faults', { rules: [{ status: 500 }] });
    expect((await h.control('GET', 'state')).status).toBe(200);
  });

  it('rejects malformed fault configs', async () => {
    expect((await h.control('POST', 'faults', { rules: [{ path: '(' }] })).status).toBe(400);
  });
});

describe('control counters and reset', () => {
  it('counts requests per method and path template and resets everything on reset', async () => {
    const h = await Harness.start();
    try {
      const id = await h.base();
      await h.call('GET', `${FS}/connections/${id}`);
      await h.call('GET', `${FS}/connections/${id}`);
      const counts = (await h.control('GET', 'requests')).body.counts;
      expect(counts['GET /data/foundation/flowservice/connections/{id}']).toBe(2);
      expect(counts['POST /data/foundation/flowservice/connections']).toBe(1);
      await h.control('POST', 'reset');
      const state = (await h.control('GET', 'state')).body;
      expect(state.resources).toEqual([]);
      expect((await h.control('GET', 'requests')).body.counts).toEqual({});
      expect((await h.call('GET', `${FS}/connections`)).status).toBe(401); // tokens are gone too
    } finally {
      await h.close();
    }
  });
});

describe('concurrency', () => {
  it('answers 300 parallel requests, creates and reads alike', async () => {
    const h = await Harness.start();
    try {
      const creates = Array.from({ length: 150 }, (_, i) => h.base(`u${i}`, `parallel-${i}`));
      const reads = Array.from({ length: 150 }, () => h.call('GET', `${FS}/connections?limit=10`));
      const [ids, pages] = await Promise.all([Promise.all(creates), Promise.all(reads)]);
      expect(new Set(ids).size).toBe(150);
      expect(pages.every((p) => p.status === 200)).toBe(true);
      expect((await h.call('GET', `${FS}/connections?count=true`)).body).toEqual({ count: 150 });
    } finally {
      await h.close();
    }
  });
});
