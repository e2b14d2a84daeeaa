/** Identifier, etag and seeded-randomness helpers. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** A Flow Service id (UUID v4). */
export function newUuid(): string {
  return randomUUID();
}

/** `n` random hex characters (mapping set ids are 32 hex, dataset ids 24 hex). */
export function randomHex(n: number): string {
  return randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
}

let etagCounter = randomBytes(4).readUInt32BE(0);

/** A quoted etag in Adobe's documented shape `"xxxxxxxx-0000-0200-0000-xxxxxxxx0000"`. */
export function newEtag(nowMs: number): string {
  etagCounter = (etagCounter + 1) >>> 0;
  const ts = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return `"${etagCounter.toString(16).padStart(8, '0')}-0000-0200-0000-${ts}0000"`;
}

/** Strips surrounding quotes (and a weak `W/` prefix) so quoted and unquoted etags compare equal. */
export function bareEtag(value: string): string {
  let v = value.trim();
  if (v.startsWith('W/')) v = v.slice(2);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
  return v;
}

/** A stable UUID-shaped id derived from text (sandbox ids derived from org + sandbox name). */
export function stableUuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Seedable PRNG (mulberry32) so fault injection is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
