/**
 * The watch cache, split into a reader (handed to anyone) and a writer (owned by the watch loop),
 * like kube-rs `reflector::store`. The writer turns watcher events into changes: a relist is
 * diffed against the cache so that objects created, changed or deleted while the watch was down
 * are reported exactly like live events.
 */

/** Identity and version of a cached object. */
export interface ObjectIdentity<T> {
  key(obj: T): string;
  /** Opaque version: compared for equality only, never ordered. */
  version(obj: T): string | undefined;
}

/** A change the cache saw. */
export type StoreChange<T> =
  { type: 'applied'; key: string; obj: T; old: T | undefined } | { type: 'deleted'; key: string; obj: T };

/** Read side of the cache. */
export interface StoreReader<T> {
  get(key: string): T | undefined;
  list(): T[];
  keys(): string[];
  /** True once the first full list has been stored (client-go HasSynced). */
  hasSynced(): boolean;
  /** Resolves when hasSynced() becomes true. */
  synced(): Promise<void>;
}

/** Write side of the cache, fed by the watch loop. */
export interface StoreWriter<T> {
  /** A watch ADDED/MODIFIED; returns the change, or undefined if the version did not change. */
  apply(obj: T): StoreChange<T> | undefined;
  /** A watch DELETED. */
  delete(obj: T): StoreChange<T> | undefined;
  /** A complete relist: replaces the content and returns what differs from before. */
  replace(objs: readonly T[]): StoreChange<T>[];
}

/** Creates a cache and returns its two halves. */
export function createStore<T>(id: ObjectIdentity<T>): { reader: StoreReader<T>; writer: StoreWriter<T> } {
  let items = new Map<string, T>();
  let synced = false;
  let markSynced: () => void = () => undefined;
  const syncedPromise = new Promise<void>((resolve) => (markSynced = resolve));

  const apply = (obj: T): StoreChange<T> | undefined => {
    const key = id.key(obj);
    const old = items.get(key);
    items.set(key, obj);
    if (old !== undefined && id.version(old) === id.version(obj)) return undefined;
    return { type: 'applied', key, obj, old };
  };

  const writer: StoreWriter<T> = {
    apply,
    delete(obj) {
      const key = id.key(obj);
      const old = items.get(key);
      if (!items.delete(key)) return undefined;
      return { type: 'deleted', key, obj: old ?? obj };
    },
    replace(objs) {
      const before = items;
      items = new Map();
      const changes: StoreChange<T>[] = [];
      for (const obj of objs) {
        const change = apply(obj);
        const key = id.key(obj);
        // apply() compared against the new (empty) map; compare against the old one instead.
        const old = before.get(key);
        if (change && (old === undefined || id.version(old) !== id.version(obj)))
          changes.push({ type: 'applied', key, obj, old });
      }
      for (const [key, obj] of before) if (!items.has(key)) changes.push({ type: 'deleted', key, obj });
      if (!synced) {
        synced = true;
        markSynced();
      }
      return changes;
    },
  };

  const reader: StoreReader<T> = {
    get: (key) => items.get(key),
    list: () => [...items.values()],
    keys: () => [...items.keys()],
    hasSynced: () => synced,
    synced: () => syncedPromise,
  };
  return { reader, writer };
}
