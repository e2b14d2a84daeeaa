/** Stable hashing of values, used for names, applied-state fingerprints and credential hashes. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../util/canonical-json.js';

/** Hex sha256 of the canonical JSON of `value`, cut to `length` characters. */
export function stableHash(value: unknown, length = 16): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}

/** `sha256:<64 hex>`, the hash format the status schema accepts. */
export function statusHash(value: unknown): string {
  return `sha256:${stableHash(value, 64)}`;
}
