import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isFlowServiceError, type FlowServiceClient } from '../../controller/flowservice/index.js';
import { RESPONSE_FAULT_KINDS, type ResponseFault } from '../../simulator/response-faults.js';
import { SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import { clientFor, SPECS, useHarness } from '../flowservice/sim-harness.js';

// Adobe (or a gateway in front of it) answering what no document describes: malformed JSON, an
// HTML error page, a 200 of another shape, a body without end, a body that trickles. Fixed seed
// and count, so CI runs the same cases every time (FUZZ_SEED explores others).
const SEED = Number(process.env.FUZZ_SEED ?? 16);
const RUNS = 40;
const CAP = 64 * 1024;
const PASSWORD = 'mixpanel-pass-fuzz-7731';

const env = useHarness();

/** Client calls of every shape of answer: single items, lists, specs, creates. */
const CALLS: Record<string, (c: FlowServiceClient, ids: { base: string }) => Promise<unknown>> = {
  'connectionSpecs.get': (c) => c.connectionSpecs.get(SPECS.mixpanelSource),
  'connections.get': (c, ids) => c.connections.get(ids.base),
  'connections.list': (c) => c.connections.list({ limit: 10 }),
  'connections.create': (c) =>
    c.connections.create({
      name: `fuzz-${Math.random().toString(16).slice(2)}`,
      auth: { specName: 'Basic Authentication', params: { username: 'u', password: PASSWORD } },
      connectionSpec: { id: SPECS.mixpanelSource, version: '1.0' },
    }),
  'flows.list': (c) => c.flows.list({ limit: 10 }),
};

const faultArb: fc.Arbitrary<ResponseFault> = fc.record(
  {
    kind: fc.constantFrom(...RESPONSE_FAULT_KINDS),
    status: fc.constantFrom(200, 201, 500, 502, 503),
    afterHandler: fc.boolean(),
    rate: fc.constantFrom(1, 0.5),
    intervalMs: fc.constantFrom(1, 2),
  },
  { requiredKeys: ['kind', 'rate', 'intervalMs'] },
);

// What a caller may see: a value of the documented shape, or one of the client's error kinds.
const CLEAR_KINDS = ['invalid-response', 'server', 'timeout', 'network'];

describe('broken Adobe answers, generated', () => {
  it(`end as a documented value or a classified error that names the call (${RUNS} cases, seed ${SEED})`, async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(faultArb, fc.constantFrom(...Object.keys(CALLS)), async (fault, name) => {
        const { client } = env.track(
          clientFor(env.h, { maxRetries: 1, requestTimeoutMs: 1_000, maxResponseBytes: CAP }),
        );
        const base = (await CALLS['connections.create']!(client, { base: '' })) as { id: string };
        await env.h.faults([{ path: '^/data/', response: fault } as never], SEED);
        const outcome = await CALLS[name]!(client, { base: base.id }).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        await env.h.faults([]);
        if (outcome.ok) {
          seen.add('value');
          expect(outcome.value).toEqual(expect.any(Object));
          // Only a fault that can pass unnoticed lets a call through every time it applies.
          if (fault.rate === 1 && !(fault.kind === 'slow-body' && (fault.status ?? 200) < 300))
            expect(`${fault.kind} ${fault.status} on ${name}`).toBe('rejected');
          return;
        }
        const e = outcome.error;
        expect(isFlowServiceError(e)).toBe(true);
        if (!isFlowServiceError(e)) return;
        seen.add(e.kind);
        expect(CLEAR_KINDS).toContain(e.kind);
        expect(e.message).toContain(name);
        expect(e.message).not.toContain(PASSWORD);
        expect(e.message).not.toContain(SIMULATOR_DEFAULTS.clientSecret);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The cases reach every outcome, or the property says little.
    expect([...seen].sort()).toEqual(expect.arrayContaining(['invalid-response', 'server', 'value']));
  }, 120_000);

  it('stops reading an endless body at the cap, with an error that says so; the next call works', async () => {
    const { client } = env.track(clientFor(env.h, { maxRetries: 0, maxResponseBytes: CAP }));
    await env.h.faults([{ path: '/flows$', response: { kind: 'endless-body' } } as never]);
    const err = await client.flows.list({ limit: 10 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid-response' });
    expect(String((err as Error).message)).toContain(`response body larger than ${CAP} bytes`);
    await env.h.faults([]);
    // The pool recovers: the next call on the same client gets a real answer.
    await expect(client.flows.list({ limit: 10 })).resolves.toMatchObject({ items: expect.any(Array) });
  });

  it('caps an endless body by default (8 MiB)', async () => {
    const { client } = env.track(clientFor(env.h, { maxRetries: 0 }));
    expect(client.settings.maxResponseBytes).toBe(8 * 1024 * 1024);
    await env.h.faults([{ path: '/flows$', response: { kind: 'endless-body' } } as never]);
    await expect(client.flows.list({ limit: 10 })).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('gives up on a body slower than the request timeout, as a timeout', async () => {
    const { client } = env.track(clientFor(env.h, { maxRetries: 0, requestTimeoutMs: 300 }));
    await env.h.faults([
      {
        path: '/connectionSpecs/',
        response: { kind: 'slow-body', afterHandler: true, intervalMs: 50 },
      } as never,
    ]);
    await expect(client.connectionSpecs.get(SPECS.mixpanelSource)).rejects.toMatchObject({ kind: 'timeout' });
  });
});
