import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { leaseOrgRateLimiter, TokenBucket } from '../../controller/flowservice/rate-limit.js';

describe('token bucket', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('lets a burst through at once, then one request per 1/rate seconds', () => {
    let now = 0;
    const bucket = new TokenBucket({ requestsPerSecond: 4, burst: 2 }, () => now);
    expect([bucket.reserve(), bucket.reserve()]).toEqual([0, 0]);
    expect(bucket.reserve()).toBe(250);
    expect(bucket.reserve()).toBe(500);
    now = 1000; // four tokens refilled, two of them already promised to the waiters
    expect(bucket.reserve()).toBe(0);
  });

  it('never accumulates more than the burst while idle', () => {
    let now = 0;
    const bucket = new TokenBucket({ requestsPerSecond: 10, burst: 3 }, () => now);
    now = 60_000;
    expect(bucket.available()).toBe(3);
  });

  it('keeps a long run of requests at the configured rate', () => {
    let now = 0;
    const bucket = new TokenBucket({ requestsPerSecond: 5, burst: 1 }, () => now);
    const sendTimes: number[] = [];
    for (let i = 0; i < 50; i++) {
      now += bucket.reserve(); // a sequential caller sleeps until its slot, then sends
      sendTimes.push(now);
    }
    const spanSeconds = (sendTimes[49]! - sendTimes[0]!) / 1000;
    expect(49 / spanSeconds).toBeLessThanOrEqual(5);
    expect(49 / spanSeconds).toBeGreaterThan(4.9);
  });

  it('makes acquire wait for its slot', async () => {
    jest.useFakeTimers();
    const bucket = new TokenBucket({ requestsPerSecond: 2, burst: 1 }, () => Date.now());
    await bucket.acquire();
    let done = false;
    const second = bucket.acquire().then((waited) => {
      done = true;
      return waited;
    });
    await jest.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(second).resolves.toBe(500);
  });

  it('gives the token back when the waiter aborts', async () => {
    jest.useFakeTimers();
    const bucket = new TokenBucket({ requestsPerSecond: 1, burst: 1 }, () => Date.now());
    await bucket.acquire();
    const controller = new AbortController();
    const waiting = bucket.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(bucket.available()).toBe(0);
  });
});

describe('per-org rate limiter', () => {
  it('shares one bucket between every client of the same org', () => {
    const a = leaseOrgRateLimiter('org-shared@AdobeOrg', { requestsPerSecond: 1, burst: 1 });
    const b = leaseOrgRateLimiter('org-shared@AdobeOrg', { requestsPerSecond: 100, burst: 100 });
    const other = leaseOrgRateLimiter('org-other@AdobeOrg', { requestsPerSecond: 1, burst: 1 });
    expect(b.bucket).toBe(a.bucket);
    expect(other.bucket).not.toBe(a.bucket);
    a.bucket.reserve();
    expect(b.bucket.reserve()).toBeGreaterThan(0);
    [a, b, other].forEach((l) => l.release());
  });

  it('drops the bucket when the last client releases it', () => {
    const a = leaseOrgRateLimiter('org-release@AdobeOrg', { requestsPerSecond: 1, burst: 1 });
    a.release();
    a.release(); // a second release must not free someone else's lease
    const b = leaseOrgRateLimiter('org-release@AdobeOrg', { requestsPerSecond: 1, burst: 1 });
    expect(b.bucket).not.toBe(a.bucket);
    b.release();
  });
});
