/** The parts of a Kubernetes object the runtime reads, and helpers on them. */
import { canonicalJson } from '../util/canonical-json.js';

/** Object metadata fields the runtime uses. */
export interface ObjectMetadata {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
}

/** Any Kubernetes object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMetadata;
  status?: unknown;
}

/** `namespace/name` (or `name` for cluster-scoped objects): the work-queue key. */
export function objectKey(obj: KubeObject): string {
  const { namespace, name } = obj.metadata ?? {};
  return namespace ? `${namespace}/${name}` : `${name}`;
}

/** Splits a key made by objectKey. */
export function parseKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The object's resourceVersion (opaque). */
export const resourceVersionOf = (obj: KubeObject): string | undefined => obj.metadata?.resourceVersion;

/**
 * Whether a watch update is worth a reconcile: a change of generation (spec), annotations (pause),
 * labels or deletionTimestamp. Status-only updates and finalizer edits (our own writes) are skipped, like
 * controller-runtime's GenerationChangedPredicate plus annotation/deletion changes; the periodic
 * resync still visits every object.
 */
export function isMeaningfulUpdate(old: KubeObject | undefined, next: KubeObject): boolean {
  if (!old) return true;
  const a = old.metadata ?? {};
  const b = next.metadata ?? {};
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    canonicalJson(a.annotations ?? {}) !== canonicalJson(b.annotations ?? {}) ||
    canonicalJson(a.labels ?? {}) !== canonicalJson(b.labels ?? {})
  );
}
