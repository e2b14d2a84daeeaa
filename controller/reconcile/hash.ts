/** Stable hashing of values, used for names, applied-state fingerprints and credential hashes. */
import { createHash } from 'node:crypto';

/** JSON with sorted object keys, so equal values always serialize identically. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Hex sha256 of the canonical JSON of `value`, cut to `length` characters. */
export function stableHash(value: unknown, length = 16): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}

/** `sha256:<64 hex>`, the hash format the status schema accepts. */
export function statusHash(value: unknown): string {
  return `sha256:${stableHash(value, 64)}`;
}
