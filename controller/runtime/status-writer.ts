/**
 * Writes `.status` through the status subresource only, with optimistic concurrency: the PUT
 * carries the resourceVersion last seen; on 409 the object is read again and the write retried.
 * Nothing is sent when the status is unchanged, including fields the API server prunes (a status
 * the server always strips would otherwise be rewritten forever: a hot loop).
 */
import { canonicalJson } from '../util/canonical-json.js';
import type { KubeObject } from './kube-object.js';
import { isStatus, type KubeHttp } from './kube-http.js';

/** Writes status of objects of one resource. */
export class StatusWriter<T extends KubeObject> {
  /** Per uid: what we last sent and what the server stored for it. */
  private readonly memo = new Map<string, { sent: string; stored: string }>();

  constructor(
    private readonly kube: KubeHttp,
    /** Path of one object, e.g. `/apis/g/v/namespaces/ns/plural/name`. */
    private readonly pathOf: (obj: T) => string,
    private readonly maxAttempts = 5,
  ) {}

  /** Makes `.status` equal `status`; returns the object as stored (unchanged if nothing was sent). */
  async write(current: T, status: unknown): Promise<T> {
    const wanted = canonicalJson(status);
    let obj = current;
    for (let attempt = 1; ; attempt++) {
      if (this.upToDate(obj, wanted)) return obj;
      try {
        const stored = await this.kube.request<T>('PUT', `${this.pathOf(obj)}/status`, {
          body: { ...obj, status },
        });
        const uid = stored.metadata?.uid;
        if (uid) this.memo.set(uid, { sent: wanted, stored: canonicalJson(stored.status ?? {}) });
        return stored;
      } catch (err) {
        if (!isStatus(err, 409) || attempt >= this.maxAttempts) throw err;
        obj = await this.kube.request<T>('GET', this.pathOf(obj));
      }
    }
  }

  /** Forgets a deleted object. */
  forget(uid: string): void {
    this.memo.delete(uid);
  }

  private upToDate(obj: T, wanted: string): boolean {
    const current = canonicalJson(obj.status ?? {});
    if (current === wanted) return true;
    const memo = obj.metadata?.uid ? this.memo.get(obj.metadata.uid) : undefined;
    return memo !== undefined && memo.sent === wanted && memo.stored === current;
  }
}
