/**
 * Adds and removes one finalizer with JSON patches on metadata only (never spec, so GitOps tools
 * see no drift). Each patch tests what it relies on (kube-rs `finalizer.rs`): we fail, re-read and
 * retry instead of overwriting or deleting someone else's finalizer.
 */
import type { KubeObject } from './kube-object.js';
import { isStatus, PATCH_TYPES, type KubeHttp } from './kube-http.js';

const MAX_ATTEMPTS = 5;

/** Whether `obj` carries `finalizer`. */
export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false;
}

/** Adds `finalizer` if absent; returns the object as stored. */
export async function addFinalizer<T extends KubeObject>(
  kube: KubeHttp,
  path: string,
  obj: T,
  finalizer: string,
): Promise<T> {
  return patchUntil(kube, path, obj, (o) => {
    if (hasFinalizer(o, finalizer)) return undefined;
    const list = o.metadata?.finalizers;
    return list === undefined || list.length === 0
      ? [
          { op: 'test', path: '/metadata/resourceVersion', value: o.metadata?.resourceVersion },
          { op: 'add', path: '/metadata/finalizers', value: [finalizer] },
        ]
      : [{ op: 'add', path: '/metadata/finalizers/-', value: finalizer }];
  });
}

/** Removes `finalizer` if present; returns the object as stored, or undefined once it is gone. */
export async function removeFinalizer<T extends KubeObject>(
  kube: KubeHttp,
  path: string,
  obj: T,
  finalizer: string,
): Promise<T | undefined> {
  return patchUntil(kube, path, obj, (o) => {
    const i = o.metadata?.finalizers?.indexOf(finalizer) ?? -1;
    if (i < 0) return undefined;
    return [
      { op: 'test', path: `/metadata/finalizers/${i}`, value: finalizer },
      { op: 'remove', path: `/metadata/finalizers/${i}` },
    ];
  });
}

async function patchUntil<T extends KubeObject>(
  kube: KubeHttp,
  path: string,
  obj: T,
  build: (o: T) => unknown[] | undefined,
): Promise<T> {
  let current = obj;
  for (let attempt = 1; ; attempt++) {
    const patch = build(current);
    if (!patch) return current;
    try {
      return await kube.request<T>('PATCH', path, { body: patch, contentType: PATCH_TYPES.json });
    } catch (err) {
      // A failed `test` op is 422 Invalid; a stale write is 409. Either way: re-read, re-plan.
      if (!(isStatus(err, 422) || isStatus(err, 409)) || attempt >= MAX_ATTEMPTS) throw err;
      try {
        current = await kube.request<T>('GET', path);
      } catch (readErr) {
        if (isStatus(readErr, 404)) return current;
        throw readErr;
      }
    }
  }
}
