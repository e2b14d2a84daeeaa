import { describe, expect, it } from '@jest/globals';
import { createStore } from '../../controller/runtime/store.js';
import {
  initialWatcherState,
  step,
  type WatcherInput,
  type WatcherState,
} from '../../controller/runtime/watcher.js';

interface Obj {
  name: string;
  rv: string;
}
const versionOf = (o: Obj) => o.rv;
const obj = (name: string, rv: string): Obj => ({ name, rv });

function run(inputs: WatcherInput<Obj>[], from: WatcherState<Obj> = initialWatcherState()) {
  let state = from;
  const effects = [];
  const events = [];
  for (const input of inputs) {
    const r = step(state, input, versionOf);
    state = r.state;
    effects.push(r.effect);
    events.push(...r.events);
  }
  return { state, effects, events };
}

const watching = (rv: string, failures = 0): WatcherState<Obj> => ({
  kind: 'Watching',
  resourceVersion: rv,
  failures,
});

describe('the watcher state machine', () => {
  it('lists every page, then replaces the cache and watches from the list version', () => {
    const { state, effects, events } = run([
      { type: 'Start' },
      { type: 'ListPage', items: [obj('a', '1')], resourceVersion: '5', continueToken: 'c1' },
      { type: 'ListPage', items: [obj('b', '2')], resourceVersion: '5', continueToken: undefined },
    ]);
    expect(effects).toEqual([
      { type: 'List', continueToken: undefined },
      { type: 'List', continueToken: 'c1' },
      { type: 'Watch', resourceVersion: '5' },
    ]);
    expect(events).toEqual([{ type: 'Restarted', items: [obj('a', '1'), obj('b', '2')] }]);
    expect(state).toEqual(watching('5'));
  });

  it.each([
    {
      reason: 'bookmark moves the version only',
      event: { type: 'BOOKMARK' as const, object: obj('', '9') },
      rv: '9',
      emitted: 0,
    },
    {
      reason: 'an add is applied',
      event: { type: 'ADDED' as const, object: obj('a', '7') },
      rv: '7',
      emitted: 1,
    },
    {
      reason: 'a delete is reported',
      event: { type: 'DELETED' as const, object: obj('a', '8') },
      rv: '8',
      emitted: 1,
    },
  ])('keeps watching and tracks the resourceVersion when $reason', ({ event, rv, emitted }) => {
    const { state, effects, events } = run([{ type: 'Event', event }], watching('5'));
    expect(state).toEqual(watching(rv));
    expect(effects).toEqual([undefined]);
    expect(events).toHaveLength(emitted);
  });

  it.each([
    { reason: 'the watch fails with 410 Gone', input: { type: 'WatchFailed', status: 410 } as const },
    {
      reason: 'an ERROR event carries code 410',
      input: { type: 'Event', event: { type: 'ERROR', object: { code: 410 } } } as const,
    },
  ])('relists when $reason', ({ input }) => {
    const { state, effects } = run([input], watching('5'));
    expect(state.kind).toBe('Listing');
    expect(effects).toEqual([{ type: 'List', continueToken: undefined }]);
  });

  it.each([
    { reason: 'the watch fails with 500', input: { type: 'WatchFailed', status: 500 } as const },
    { reason: 'the connection drops', input: { type: 'WatchFailed', status: undefined } as const },
    { reason: 'the watchdog sees a silent stall', input: { type: 'Stalled' } as const },
    {
      reason: 'an ERROR event carries code 500',
      input: { type: 'Event', event: { type: 'ERROR', object: { code: 500 } } } as const,
    },
  ])('backs off, then resumes from the last resourceVersion, when $reason', ({ input }) => {
    const { state, effects } = run([input, { type: 'BackoffElapsed' }], watching('5', 2));
    expect(effects).toEqual([
      { type: 'Sleep', failures: 3 },
      { type: 'Watch', resourceVersion: '5' },
    ]);
    expect(state).toEqual(watching('5', 3));
  });

  it('resumes at once from the last version when the server ends the watch cleanly', () => {
    const { effects } = run([{ type: 'WatchClosed' }], watching('12'));
    expect(effects).toEqual([{ type: 'Watch', resourceVersion: '12' }]);
  });

  it('restarts a failed list from the first page after a backoff', () => {
    const { state, effects } = run([
      { type: 'Start' },
      { type: 'ListPage', items: [obj('a', '1')], resourceVersion: '5', continueToken: 'c1' },
      { type: 'ListFailed', status: 410 },
      { type: 'BackoffElapsed' },
    ]);
    expect(effects.slice(2)).toEqual([
      { type: 'Sleep', failures: 1 },
      { type: 'List', continueToken: undefined },
    ]);
    expect(state).toEqual({ kind: 'Listing', continueToken: undefined, items: [], failures: 1 });
  });

  it('resets the failure count after the first event of a healthy watch', () => {
    const { state } = run(
      [{ type: 'Event', event: { type: 'MODIFIED', object: obj('a', '6') } }],
      watching('5', 4),
    );
    expect(state.failures).toBe(0);
  });
});

describe('the cache', () => {
  const id = { key: (o: Obj) => o.name, version: (o: Obj) => o.rv };

  it('reports a relist as the changes and deletions that happened while the watch was down', () => {
    const { reader, writer } = createStore(id);
    writer.replace([obj('keep', '1'), obj('edit', '1'), obj('gone', '1')]);
    const changes = writer.replace([obj('keep', '1'), obj('edit', '2'), obj('new', '3')]);
    expect(changes.map((c) => `${c.type}:${c.key}`).sort()).toEqual([
      'applied:edit',
      'applied:new',
      'deleted:gone',
    ]);
    expect(reader.keys().sort()).toEqual(['edit', 'keep', 'new']);
  });

  it('ignores an event whose version it already holds and reports deletes once', () => {
    const { writer } = createStore(id);
    expect(writer.apply(obj('a', '1'))).toBeDefined();
    expect(writer.apply(obj('a', '1'))).toBeUndefined();
    expect(writer.delete(obj('a', '2'))).toMatchObject({ type: 'deleted', key: 'a' });
    expect(writer.delete(obj('a', '2'))).toBeUndefined();
  });

  it('is synced only after the first complete list', async () => {
    const { reader, writer } = createStore(id);
    writer.apply(obj('a', '1'));
    expect(reader.hasSynced()).toBe(false);
    writer.replace([]);
    expect(reader.hasSynced()).toBe(true);
    await expect(reader.synced()).resolves.toBeUndefined();
  });
});
