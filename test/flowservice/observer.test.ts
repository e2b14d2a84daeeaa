import { describe, expect, it } from '@jest/globals';
import { flowServiceObserverFns, safeObserver } from '../../controller/flowservice/observer.js';

describe('observer hooks', () => {
  it('fills missing hooks with no-ops', () => {
    const seen: string[] = [];
    const observer = flowServiceObserverFns({ onRequest: (e) => seen.push(e.operation) });
    observer.onRequest({ operation: 'flows.get', method: 'GET', status: 200, durationMs: 1, attempt: 0 });
    expect(() =>
      observer.onThrottled({ operation: 'flows.get', reason: 'rate-limit', waitMs: 5 }),
    ).not.toThrow();
    expect(seen).toEqual(['flows.get']);
  });

  it('never lets a throwing metrics hook fail a request', () => {
    const observer = safeObserver(
      flowServiceObserverFns({
        onTokenRefresh: () => {
          throw new Error('metrics backend down');
        },
      }),
    );
    expect(() => observer.onTokenRefresh({ result: 'success', durationMs: 3 })).not.toThrow();
  });
});
