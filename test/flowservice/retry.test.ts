import { describe, expect, it } from '@jest/globals';
import { FlowServiceError, type FlowServiceErrorKind } from '../../controller/flowservice/errors.js';
import { decideRetry, fullJitterDelayMs, type BackoffPolicy } from '../../controller/flowservice/retry.js';

const policy: BackoffPolicy = { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
const err = (
  kind: FlowServiceErrorKind,
  extra: Partial<ConstructorParameters<typeof FlowServiceError>[0]> = {},
) => new FlowServiceError({ kind, operation: 'flows.get', ...extra });

describe('full jitter backoff', () => {
  it('grows the ceiling exponentially from the base delay', () => {
    const max = () => 0.999999;
    expect([0, 1, 2, 3].map((n) => fullJitterDelayMs(n, policy, max))).toEqual([99, 199, 399, 799]);
  });

  it('never exceeds the maximum delay however many retries happened', () => {
    expect(fullJitterDelayMs(50, policy, () => 0.999999)).toBe(999);
  });

  it('spreads delays uniformly down to zero', () => {
    expect(fullJitterDelayMs(3, policy, () => 0)).toBe(0);
    expect(fullJitterDelayMs(3, policy, () => 0.5)).toBe(400);
  });
});

describe('retry decisions', () => {
  it.each([
    { kind: 'server', retry: true },
    { kind: 'network', retry: true },
    { kind: 'timeout', retry: true },
    { kind: 'rate-limited', retry: true },
    { kind: 'validation', retry: false },
    { kind: 'unauthorized', retry: false },
    { kind: 'forbidden', retry: false },
    { kind: 'not-found', retry: false },
    { kind: 'precondition-failed', retry: false },
    { kind: 'aborted', retry: false },
    { kind: 'invalid-response', retry: false },
  ] as const)('retries an idempotent request after a $kind error: $retry', ({ kind, retry }) => {
    expect(decideRetry(err(kind), 0, policy, true).retry).toBe(retry);
  });

  it('stops once maxRetries retries were made', () => {
    expect(decideRetry(err('server'), 3, policy, true).retry).toBe(true);
    expect(decideRetry(err('server'), 4, policy, true).retry).toBe(false);
  });

  it('does not resend a create after a 5xx or a reset, because the server may have acted on it', () => {
    expect(decideRetry(err('server', { status: 502 }), 0, policy, false).retry).toBe(false);
    expect(decideRetry(err('network'), 0, policy, false).retry).toBe(false);
    expect(decideRetry(err('timeout'), 0, policy, false).retry).toBe(false);
  });

  it('resends a create when the connection was never made or the server answered 429', () => {
    expect(decideRetry(err('network', { notSent: true }), 0, policy, false).retry).toBe(true);
    expect(decideRetry(err('rate-limited', { status: 429 }), 0, policy, false).retry).toBe(true);
  });

  it('waits at least Retry-After, with at most a tenth of it as jitter', () => {
    const d = decideRetry(err('rate-limited', { retryAfterMs: 2000 }), 0, policy, true, () => 0.999);
    expect(d).toEqual({ retry: true, delayMs: expect.any(Number) });
    const delay = (d as { delayMs: number }).delayMs;
    expect(delay).toBeGreaterThanOrEqual(2000);
    expect(delay).toBeLessThanOrEqual(2201);
  });

  it('gives up instead of sleeping through a Retry-After longer than maxRetryAfterMs', () => {
    expect(decideRetry(err('rate-limited', { retryAfterMs: 60_000 }), 0, policy, true).retry).toBe(false);
  });

  it('uses jittered backoff for a 429 without Retry-After', () => {
    expect(decideRetry(err('rate-limited'), 2, policy, true, () => 0.5)).toEqual({
      retry: true,
      delayMs: 200,
    });
  });
});
