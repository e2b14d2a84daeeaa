import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createStore, type StoreChange } from '../../controller/runtime/store.js';
import { WatchLoop, type ListPage, type ListWatchSource } from '../../controller/runtime/watch-loop.js';
import type { RawWatchEvent } from '../../controller/runtime/watcher.js';

interface Obj {
  name: string;
  rv: string;
}
const obj = (name: string, rv: string): Obj => ({ name, rv });

/** A scripted API server: lists return `items`; each watch call is handed to the test. */
class FakeSource implements ListWatchSource<Obj> {
  items: Obj[] = [];
  listRv = '10';
  lists = 0;
  failLists = 0;
  watches: {
    rv: string;
    emit: (e: RawWatchEvent<Obj>) => void;
    end: (err?: Error & { status?: number }) => void;
    signal: AbortSignal;
  }[] = [];

  async list(): Promise<ListPage<Obj>> {
    this.lists++;
    if (this.failLists > 0) {
      this.failLists--;
      throw Object.assign(new Error('list failed'), { status: 500 });
    }
    return { items: [...this.items], resourceVersion: this.listRv, continueToken: undefined };
  }

  watch(
    opts: { resourceVersion: string; signal: AbortSignal },
    onEvent: (e: RawWatchEvent<Obj>) => void,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const end = (err?: Error) => (err ? reject(err) : resolve());
      opts.signal.addEventListener('abort', () => resolve());
      this.watches.push({ rv: opts.resourceVersion, emit: onEvent, end, signal: opts.signal });
    });
  }
}

function setup(source: FakeSource, stallMs = 60_000) {
  const { reader, writer } = createStore<Obj>({ key: (o) => o.name, version: (o) => o.rv });
  const changes: string[] = [];
  const loop = new WatchLoop<Obj>({
    source,
    writer,
    versionOf: (o) => o.rv,
    stallMs,
    random: () => 0,
    onChange: (c: StoreChange<Obj>) => changes.push(`${c.type}:${c.key}`),
  });
  loop.start();
  return { loop, reader, changes };
}

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('the watch loop', () => {
  it('lists, then watches from the list version and applies events to the cache', async () => {
    const src = new FakeSource();
    src.items = [obj('a', '1')];
    const { loop, reader, changes } = setup(src);
    await jest.advanceTimersByTimeAsync(1);
    expect(src.watches.map((w) => w.rv)).toEqual(['10']);
    src.watches[0]!.emit({ type: 'ADDED', object: obj('b', '11') });
    src.watches[0]!.emit({ type: 'BOOKMARK', object: obj('', '12') });
    expect(changes).toEqual(['applied:a', 'applied:b']);
    expect(reader.keys().sort()).toEqual(['a', 'b']);
    src.watches[0]!.end();
    await jest.advanceTimersByTimeAsync(1);
    expect(src.watches.map((w) => w.rv)).toEqual(['10', '12']);
    await loop.stop();
  });

  it('aborts a silent watch after the stall timeout and resumes from the last version after a backoff', async () => {
    const src = new FakeSource();
    const { loop } = setup(src, 5_000);
    await jest.advanceTimersByTimeAsync(1);
    src.watches[0]!.emit({ type: 'ADDED', object: obj('a', '15') });
    await jest.advanceTimersByTimeAsync(5_000);
    expect(src.watches[0]!.signal.aborted).toBe(true);
    await jest.advanceTimersByTimeAsync(800);
    expect(src.watches.map((w) => w.rv)).toEqual(['10', '15']);
    expect(src.lists).toBe(1);
    expect(loop.restartCount()).toBe(1);
    await loop.stop();
  });

  it('relists on 410 Gone and reports what changed and what was deleted meanwhile', async () => {
    const src = new FakeSource();
    src.items = [obj('keep', '1'), obj('edit', '1'), obj('gone', '1')];
    const { loop, changes } = setup(src);
    await jest.advanceTimersByTimeAsync(1);
    changes.length = 0;
    src.items = [obj('keep', '1'), obj('edit', '2'), obj('new', '3')];
    src.listRv = '20';
    src.watches[0]!.emit({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
    await jest.advanceTimersByTimeAsync(1);
    expect(changes.sort()).toEqual(['applied:edit', 'applied:new', 'deleted:gone']);
    expect(src.watches.at(-1)!.rv).toBe('20');
    await loop.stop();
  });

  it('keeps retrying a failing list with growing backoff instead of stopping', async () => {
    const src = new FakeSource();
    src.failLists = 3;
    const { loop, reader } = setup(src);
    await jest.advanceTimersByTimeAsync(800 + 1600 + 3200 + 10);
    expect(src.lists).toBe(4);
    expect(reader.hasSynced()).toBe(true);
    await loop.stop();
  });

  it('restarts the watch after a broken connection instead of stopping', async () => {
    const src = new FakeSource();
    const { loop } = setup(src);
    await jest.advanceTimersByTimeAsync(1);
    src.watches[0]!.end(Object.assign(new Error('ECONNRESET'), { status: undefined }));
    await jest.advanceTimersByTimeAsync(800);
    expect(src.watches).toHaveLength(2);
    expect(src.watches[1]!.rv).toBe('10');
    await loop.stop();
  });
});
