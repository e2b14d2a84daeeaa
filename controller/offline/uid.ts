/**
 * Stable uids for local mode. The engine names every Adobe resource after the CR's uid, so a uid
 * derived from namespace/name makes a restarted process (or `plan`) find by name what an earlier
 * run created: restarting adopts instead of duplicating.
 */
import { createHash } from 'node:crypto';

/** Namespace of the uid derivation; changing it would orphan every chain made in local mode. */
export const LOCAL_UID_SEED = 'aepflows.io/local-mode';

/** A UUID-shaped uid (version 5 layout) derived from namespace and name. */
export function localUid(namespace: string, name: string): string {
  const h = createHash('sha256').update(`${LOCAL_UID_SEED}/${namespace}/${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
