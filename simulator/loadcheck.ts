/** Load check: `npx tsx simulator/loadcheck.ts [requests] [concurrency] [resources]`.
 * Starts a simulator in-process, creates `resources` base connections, then times `requests` GETs
 * (by id and filtered lists) at the given concurrency. Prints throughput, latency and heap. */
import { startSimulator, SIMULATOR_DEFAULTS } from './index.js';

const [requests = 5000, concurrency = 100, resources = 10000] = process.argv.slice(2).map(Number);
const sim = await startSimulator({ port: 0 });
const token = (
  (await (
    await fetch(`${sim.url}/ims/token/v3`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: SIMULATOR_DEFAULTS.clientId,
        client_secret: SIMULATOR_DEFAULTS.clientSecret,
        scope: 'openid',
      }),
    })
  ).json()) as { access_token: string }
).access_token;
const headers = {
  authorization: `Bearer ${token}`,
  'x-api-key': SIMULATOR_DEFAULTS.clientId,
  'x-gw-ims-org-id': SIMULATOR_DEFAULTS.orgId,
  'x-sandbox-name': 'prod',
  'content-type': 'application/json',
};
const base = `${sim.url}/data/foundation/flowservice/connections`;

async function pool<T>(n: number, width: number, task: (i: number) => Promise<T>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await task(i);
        times.push(performance.now() - t);
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

const heapBefore = process.memoryUsage().heapUsed;
const ids: string[] = [];
const createStart = performance.now();
await pool(resources, concurrency, async (i) => {
  const r = await fetch(base, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: `load-${i}`,
      connectionSpec: { id: 'fd2c8ff3-1de0-4f6b-8fa8-4264784870eb', version: '1.0' },
      auth: { specName: 'Basic Authentication', params: { username: `u${i}`, password: 'p' } },
    }),
  });
  ids.push(((await r.json()) as { id: string }).id);
});
const createMs = performance.now() - createStart;
globalThis.gc?.();
const heapAfter = process.memoryUsage().heapUsed;

let failures = 0;
const start = performance.now();
const times = await pool(requests, concurrency, async (i) => {
  const url =
    i % 2 === 0 ? `${base}/${ids[i % ids.length]}` : `${base}?property=name==load-${i % resources}&limit=10`;
  const r = await fetch(url, { headers });
  await r.arrayBuffer();
  if (r.status !== 200) failures += 1;
});
const elapsed = performance.now() - start;
const pct = (p: number) =>
  times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1);
process.stdout.write(
  [
    `created ${resources} connections in ${(createMs / 1000).toFixed(2)} s (${Math.round(resources / (createMs / 1000))}/s)`,
    `heap growth ≈ ${((heapAfter - heapBefore) / resources).toFixed(0)} bytes per connection`,
    `${requests} GETs at concurrency ${concurrency}: ${Math.round(requests / (elapsed / 1000))} req/s, p50 ${pct(50)} ms, p99 ${pct(99)} ms, ${failures} non-200`,
  ].join('\n') + '\n',
);
await sim.close();
