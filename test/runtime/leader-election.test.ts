import { describe, expect, it } from '@jest/globals';
import { decide, microTime, type ObservedLease } from '../../controller/runtime/leader-election.js';

const lease = (holder: string, observedAtMs: number, durationS = 15): ObservedLease => ({
  record: { holderIdentity: holder, leaseDurationSeconds: durationS },
  resourceVersion: '1',
  observedAtMs,
});

describe('the leader election decision', () => {
  it.each([
    { reason: 'no Lease exists', observed: undefined, now: 0, want: 'create' },
    { reason: 'we hold it', observed: lease('me', 0), now: 100_000, want: 'renew' },
    {
      reason: 'another holder renewed it recently',
      observed: lease('other', 10_000),
      now: 24_999,
      want: 'wait',
    },
    {
      reason: "another holder's lease ran out on our clock",
      observed: lease('other', 10_000),
      now: 25_000,
      want: 'acquire',
    },
    { reason: 'the holder released it', observed: lease('', 10_000), now: 10_001, want: 'acquire' },
  ] as const)('says $want when $reason', ({ observed, now, want }) => {
    expect(decide(observed, 'me', now)).toBe(want);
  });

  it('writes MicroTime with six fractional digits', () => {
    expect(microTime(new Date('2026-11-29T03:00:00.123Z'))).toBe('2026-11-29T03:00:00.123000Z');
  });
});
