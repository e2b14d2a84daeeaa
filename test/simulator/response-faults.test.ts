import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { GATEWAY_HTML, UNEXPECTED_SHAPE } from '../../simulator/response-faults.js';
import { FS, Harness } from './helpers.js';

/** Reads at most `limit` bytes of an answer, then hangs up; how a careful client reads. */
function readCapped(url: string, headers: Record<string, string>, limit: number) {
  return new Promise<{ status: number; type: string; bytes: number; ended: boolean }>((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes >= limit) {
          res.destroy();
          resolve({
            status: res.statusCode!,
            type: String(res.headers['content-type']),
            bytes,
            ended: false,
          });
        }
      });
      res.on('end', () =>
        resolve({ status: res.statusCode!, type: String(res.headers['content-type']), bytes, ended: true }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('response faults: broken answers a gateway or backend can give', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterEach(() => h.control('DELETE', 'faults'));
  afterAll(() => h.close());

  const text = async (path: string) => {
    const res = await fetch(`${h.url}${path}`, { headers: h.headers() });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  };

  it('answers a truncated JSON document for malformed-json', async () => {
    await h.control('POST', 'faults', { rules: [{ response: { kind: 'malformed-json' } }] });
    const r = await text(`${FS}/flows`);
    expect(r.status).toBe(200);
    expect(r.type).toContain('application/json');
    expect(() => JSON.parse(r.body)).toThrow();
  });

  it("answers a gateway's HTML error page for html-gateway", async () => {
    await h.control('POST', 'faults', { rules: [{ response: { kind: 'html-gateway' } }] });
    expect(await text(`${FS}/flows`)).toEqual({ status: 502, type: 'text/html', body: GATEWAY_HTML });
  });

  it('answers 200 with a JSON document of no known shape for unexpected-shape', async () => {
    await h.control('POST', 'faults', { rules: [{ response: { kind: 'unexpected-shape' } }] });
    const r = await text(`${FS}/flows`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual(UNEXPECTED_SHAPE);
  });

  it('streams an endless body for endless-body, and stops when the client hangs up', async () => {
    await h.control('POST', 'faults', { rules: [{ response: { kind: 'endless-body' }, times: 1 }] });
    const r = await readCapped(`${h.url}${FS}/flows`, h.headers(), 8 * 1024 * 1024);
    expect(r).toMatchObject({ status: 200, ended: false });
    expect(r.bytes).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    // The server is still healthy for the next request.
    expect((await h.call('GET', `${FS}/flows`)).status).toBe(200);
  });

  it('trickles the real answer one byte at a time for slow-body', async () => {
    await h.control('POST', 'faults', { rules: [{ response: { kind: 'slow-body', intervalMs: 2 } }] });
    const chunks: Buffer[] = await new Promise((resolve, reject) => {
      const req = request(`${h.url}${FS}/flows?limit=1`, { headers: h.headers() }, (res) => {
        const got: Buffer[] = [];
        res.on('data', (c: Buffer) => got.push(c));
        res.on('end', () => resolve(got));
      });
      req.on('error', reject);
      req.end();
    });
    const body = Buffer.concat(chunks).toString('utf8');
    expect(JSON.parse(body).items).toEqual([]);
    // Each byte is written on its own timer tick, so the body arrives in (nearly) one chunk per byte.
    expect(chunks.length).toBeGreaterThan(body.length / 2);
  });

  it('with afterHandler does the write, then breaks only the answer', async () => {
    await h.control('POST', 'faults', {
      rules: [
        { method: 'POST', path: '/connections$', response: { kind: 'html-gateway', afterHandler: true } },
      ],
    });
    const base = {
      name: 'written-despite-502',
      connectionSpec: { id: 'fd2c8ff3-1de0-4f6b-8fa8-4264784870eb', version: '1.0' },
      auth: { specName: 'Basic Authentication', params: { username: 'u', password: 'p' } },
    };
    const r = await h.call('POST', `${FS}/connections`, base).catch(() => undefined);
    expect(r?.status ?? 502).toBe(502);
    await h.control('DELETE', 'faults');
    const list = await h.call('GET', `${FS}/connections?property=name==written-despite-502`);
    expect(list.body.items).toHaveLength(1);
  });

  it('applies at a rate, reproducibly for a seed', async () => {
    const config = { seed: 7, rules: [{ response: { kind: 'unexpected-shape', rate: 0.3 } }] };
    const run = async () => {
      await h.control('POST', 'faults', config);
      const out: boolean[] = [];
      for (let i = 0; i < 60; i++) out.push('unexpected' in (await h.call('GET', `${FS}/flows`)).body);
      return out;
    };
    const first = await run();
    expect(first.filter(Boolean).length).toBeGreaterThan(8);
    expect(first.filter(Boolean).length).toBeLessThan(32);
    expect(await run()).toEqual(first);
  });

  it('rejects an unknown response kind', async () => {
    const r = await h.control('POST', 'faults', { rules: [{ response: { kind: 'teapot' } }] });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/response.kind must be one of/);
  });

  it('scopes a rule to one sandbox (a sandbox-wide outage)', async () => {
    await h.control('POST', 'faults', { rules: [{ sandbox: 'prod', status: 503 }] });
    expect((await h.call('GET', `${FS}/flows`)).status).toBe(503);
    expect((await h.call('GET', `${FS}/flows`, undefined, { 'x-sandbox-name': 'dev' })).status).toBe(200);
  });
});

describe('request log and run ledger', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.close());

  it('logs platform requests in order with template, query and the create body name, never control calls', async () => {
    const before = (await h.control('GET', 'requests/log')).body.last as number;
    await h.call('GET', `${FS}/flows?property=name==x`);
    await h.base('svc.user', 'logged-name');
    await h.control('GET', 'state');
    const r = await h.control('GET', `requests/log?after=${before}`);
    expect(r.status).toBe(200);
    expect(
      r.body.entries.map((e: { method: string; template: string }) => `${e.method} ${e.template}`),
    ).toEqual([`GET ${FS}/flows`, `POST ${FS}/connections`]);
    expect(r.body.entries[0]).toMatchObject({ query: 'property=name==x', sandbox: 'prod' });
    expect(r.body.entries[1].name).toBe('logged-name');
    expect(r.body.last).toBe(r.body.entries[1].seq);
    expect((await h.control('GET', `requests/log?after=${r.body.last}`)).body.entries).toEqual([]);
    expect((await h.control('GET', 'requests/log?after=-1')).status).toBe(400);
  });

  it('keeps every run a flow produced, by outcome and owner, after the flow and its source are deleted', async () => {
    const startTime = String(Math.floor(Date.now() / 1000));
    const { flowId, sourceId } = await h.chain({ startTime });
    const doc = async (id: string) => (await h.control('GET', `resources/${id}`)).body;
    const owner = {
      sourceConnectionName: (await doc(sourceId)).name,
      flowDescription: (await doc(flowId)).description,
    };
    expect(owner.sourceConnectionName).toEqual(expect.any(String));
    await h.control('POST', 'runs', {
      flowId,
      outcomes: [{ status: 'failed' }],
      default: { status: 'success' },
    });
    await h.advance(3 * 3600_000);
    const before = (await h.control('GET', 'runs/ledger')).body.flows[flowId];
    // Every 15 minutes for 3 hours; each run takes a minute.
    expect(before.finished).toBeGreaterThanOrEqual(12);
    expect(before.byStatus.failed).toBe(1);
    expect(before.byStatus.success).toBe(before.finished - 1);
    expect(before).toMatchObject({ sourceConnectionId: sourceId, ...owner });
    await h.control('DELETE', `resources/${flowId}`);
    await h.control('DELETE', `resources/${sourceId}`);
    const after = (await h.control('GET', 'runs/ledger')).body.flows[flowId];
    expect(after).toEqual(before);
  });
});
