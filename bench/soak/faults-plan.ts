/** The simulator fault rules of each kind of fault window, and the background noise always on. */
import type { FaultKind } from './events.js';

/** A simulator fault rule (see simulator/faults.ts). */
export type FaultRule = Record<string, unknown>;

const PLATFORM = '^/data/';
const ANY = '^/(data|ims)/';

/** Always on while the schedule runs: a little of everything, as on a normal day. */
export const BACKGROUND: FaultRule[] = [
  { path: PLATFORM, statusRates: { '500': 0.01, '503': 0.01 } },
  { path: PLATFORM, dropRate: 0.005 },
  { latencyMs: 5, latencyJitterMs: 30 },
];

/** Rules of one fault window. */
export function faultRules(kind: FaultKind, rateLimit: number): FaultRule[] {
  const broken = (k: string, rate: number, extra: Record<string, unknown> = {}) => [
    { path: PLATFORM, method: 'GET', response: { kind: k, rate, ...extra } },
    // Writes are handled, then their answer is broken: the controller cannot know whether they happened.
    { path: PLATFORM, method: 'POST', response: { kind: k, rate, afterHandler: true, ...extra } },
    { path: PLATFORM, method: 'PATCH', response: { kind: k, rate, afterHandler: true, ...extra } },
  ];
  switch (kind) {
    case 'errors-5xx':
      return [{ path: ANY, statusRates: { '500': 0.05, '502': 0.03, '503': 0.03, '504': 0.02 } }];
    case 'rate-limit-429':
      // Adobe's gateway allows less than the controller's own budget for a while.
      return [
        {
          path: PLATFORM,
          rateLimit: { limit: Math.max(1, Math.floor(rateLimit / 2)), windowMs: 1000, retryAfterSeconds: 2 },
        },
      ];
    case 'dropped-connections':
      return [{ path: ANY, dropRate: 0.05 }];
    case 'latency-spike':
      return [{ latencyMs: 800, latencyJitterMs: 1200 }];
    case 'malformed-json':
      return broken('malformed-json', 0.05);
    case 'html-gateway':
      return broken('html-gateway', 0.05);
    case 'unexpected-shape':
      return broken('unexpected-shape', 0.03);
    case 'slow-body':
      // 300 ms per byte: any answer outlives the client's request timeout.
      return broken('slow-body', 0.02, { intervalMs: 300 });
    case 'sandbox-outage':
      return [{ sandbox: 'prod', status: 503 }];
  }
}
