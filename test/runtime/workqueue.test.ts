import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Action, Controller, type ControllerOptions } from '../../controller/runtime/controller.js';
import { WorkQueue } from '../../controller/runtime/workqueue.js';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

const now = () => Date.now();

/** An error policy for loops whose reconciles never throw. */
const neverCalled = (): Action => {
  throw new Error('no reconcile here fails');
};

/** A controller loop over `queue`: one worker, no resync, unless the test says otherwise. */
const loop = (queue: WorkQueue<string>, opts: Partial<ControllerOptions<string>>): Controller<string> =>
  new Controller<string>({
    queue,
    concurrency: 1,
    resyncMs: 0,
    errorPolicy: neverCalled,
    reconcile: async () => Action.awaitChange(),
    ...opts,
  });

describe('the work queue', () => {
  it('coalesces repeated adds of a waiting key into one entry', async () => {
    const q = new WorkQueue<string>({ now });
    q.add('a/x');
    q.add('a/x');
    q.add('a/y');
    q.add('a/x');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a/x');
    expect(await q.get()).toBe('a/y');
    expect(q.len()).toBe(0);
  });

  it('never hands out a key that is in flight, and hands it out again after done when re-added', async () => {
    const q = new WorkQueue<string>({ now });
    q.add('k');
    const first = await q.get();
    q.add('k');
    expect(q.len()).toBe(0);
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(first!);
    await Promise.resolve();
    expect(second).toBe('k');
  });

  it('keeps only the earliest delayed add of a key', async () => {
    const q = new WorkQueue<string>({ now });
    q.addAfter('k', 10_000);
    q.addAfter('k', 1_000);
    q.addAfter('k', 5_000);
    await jest.advanceTimersByTimeAsync(999);
    expect(q.len()).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(q.len()).toBe(1);
    await q.get().then((k) => q.done(k!));
    await jest.advanceTimersByTimeAsync(20_000);
    expect(q.len()).toBe(0);
  });

  it('drops the delayed add of a cancelled key', async () => {
    const q = new WorkQueue<string>({ now });
    q.addAfter('gone', 1_000);
    q.addAfter('kept', 1_000);
    q.cancel('gone');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(q.len()).toBe(1);
    expect(await q.get()).toBe('kept');
  });

  it('releases idle getters with undefined and drops delayed keys on shutdown', async () => {
    const q = new WorkQueue<string>({ now });
    q.addAfter('later', 1000);
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    await jest.advanceTimersByTimeAsync(2000);
    q.add('new');
    expect(q.len()).toBe(0);
  });
});

describe('the controller loop', () => {
  function deferred() {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  }

  it('runs at most `concurrency` reconciles at once and never the same key twice at once', async () => {
    const q = new WorkQueue<string>({ now });
    let active = 0;
    let peak = 0;
    const perKey = new Map<string, number>();
    let overlap = false;
    const ctl = loop(q, {
      concurrency: 2,
      reconcile: async (key) => {
        active++;
        peak = Math.max(peak, active);
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
        if (perKey.get(key)! > 1) overlap = true;
        await new Promise((r) => setTimeout(r, 100));
        perKey.set(key, perKey.get(key)! - 1);
        active--;
        return Action.awaitChange();
      },
    });
    ctl.start();
    for (const k of ['a', 'b', 'c', 'd']) q.add(k);
    await jest.advanceTimersByTimeAsync(10);
    q.add('a');
    q.add('b');
    await jest.advanceTimersByTimeAsync(1000);
    expect(peak).toBe(2);
    expect(overlap).toBe(false);
    expect(q.len()).toBe(0);
  });

  it('processes a key re-added during its reconcile once more afterwards', async () => {
    const q = new WorkQueue<string>({ now });
    const gate = deferred();
    const calls: string[] = [];
    const ctl = loop(q, {
      concurrency: 4,
      reconcile: async (key) => {
        calls.push(key);
        if (calls.length === 1) await gate.promise;
        return Action.awaitChange();
      },
    });
    ctl.start();
    q.add('k');
    await jest.advanceTimersByTimeAsync(1);
    q.add('k');
    q.add('k');
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['k']);
    gate.resolve();
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['k', 'k']);
  });

  it('asks the error policy with the consecutive failures of the key, and a success resets them', async () => {
    const q = new WorkQueue<string>({ now });
    const at: number[] = [];
    const attemptsSeen: number[] = [];
    const ctl = loop(q, {
      reconcile: async () => {
        at.push(Date.now());
        if (at.length <= 4 || at.length === 6) throw new Error('boom');
        return at.length === 5 ? Action.requeue(100) : Action.awaitChange();
      },
      errorPolicy: (_key, _err, attempts) => {
        attemptsSeen.push(attempts);
        return Action.requeue(5 * 2 ** (attempts - 1));
      },
    });
    const start = Date.now();
    ctl.start();
    q.add('k');
    await jest.advanceTimersByTimeAsync(1000);
    expect(at.map((t) => t - start)).toEqual([0, 5, 15, 35, 75, 175, 180]);
    expect(attemptsSeen).toEqual([1, 2, 3, 4, 1]);
    expect(ctl.failuresOf('k')).toBe(0);
  });

  it('retries a failure after exactly the delay the error policy chose', async () => {
    const q = new WorkQueue<string>({ now });
    const at: number[] = [];
    const ctl = loop(q, {
      reconcile: async () => {
        at.push(Date.now());
        if (at.length === 1) throw new Error('throttled');
        return Action.awaitChange();
      },
      errorPolicy: () => Action.requeue(7_000),
    });
    const start = Date.now();
    ctl.start();
    q.add('k');
    await jest.advanceTimersByTimeAsync(10_000);
    expect(at.map((t) => t - start)).toEqual([0, 7_000]);
  });

  it('does not retry an error its policy calls terminal before the periodic resync, and counts it terminal', async () => {
    const q = new WorkQueue<string>({ now });
    let calls = 0;
    const terminal: boolean[] = [];
    const ctl = loop(q, {
      resyncMs: 60_000,
      resyncJitter: 0,
      reconcile: async () => {
        calls++;
        throw new Error('invalid');
      },
      errorPolicy: () => Action.awaitChange(),
      metrics: {
        reconciled: () => undefined,
        activeWorkers: () => undefined,
        errored: (t) => terminal.push(t),
      },
    });
    ctl.start();
    q.add('k');
    await jest.advanceTimersByTimeAsync(59_999);
    expect(calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    expect(terminal).toEqual([true, true]);
  });

  it('requeues after the delay the reconcile asked for, and resyncs with jitter after a success', async () => {
    const q = new WorkQueue<string>({ now });
    const at: number[] = [];
    const ctl = loop(q, {
      resyncMs: 600_000,
      resyncJitter: 0.1,
      random: () => 1, // +10 %
      reconcile: async () => {
        at.push(Date.now());
        return at.length === 1 ? Action.requeue(30_000) : Action.awaitChange();
      },
    });
    const start = Date.now();
    ctl.start();
    q.add('k');
    await jest.advanceTimersByTimeAsync(30_000 + 660_000);
    expect(at.map((t) => t - start)).toEqual([0, 30_000, 690_000]);
  });

  it('schedules no resync for a key whose object is gone', async () => {
    const q = new WorkQueue<string>({ now });
    let calls = 0;
    const ctl = loop(q, {
      resyncMs: 1000,
      exists: () => false,
      reconcile: async () => {
        calls++;
        return Action.awaitChange();
      },
    });
    ctl.start();
    q.add('k');
    await jest.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
  });

  it('stops taking work on stop and waits for the reconcile in flight', async () => {
    const q = new WorkQueue<string>({ now });
    const calls: string[] = [];
    const ctl = loop(q, {
      reconcile: async (key) => {
        calls.push(key);
        await new Promise((r) => setTimeout(r, 500));
        return Action.awaitChange();
      },
    });
    ctl.start();
    q.add('a');
    q.add('b');
    await jest.advanceTimersByTimeAsync(1);
    const stopped = ctl.stop(5_000);
    await jest.advanceTimersByTimeAsync(600);
    expect(await stopped).toBe(true);
    expect(calls).toEqual(['a']);
  });

  it('gives up waiting for a stuck reconcile after the grace period', async () => {
    const q = new WorkQueue<string>({ now });
    const ctl = loop(q, {
      reconcile: () => new Promise<Action>(() => undefined),
    });
    ctl.start();
    q.add('a');
    await jest.advanceTimersByTimeAsync(1);
    const stopped = ctl.stop(1_000);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await stopped).toBe(false);
  });
});
