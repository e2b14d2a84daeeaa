/**
 * The soak's one source of randomness: a seeded xoroshiro128+ (pure-rand). Everything the schedule
 * decides (fault mixes, kill moments, edits, secret values) is drawn from it in a fixed order, so a
 * seed reproduces the schedule exactly; `fork(label)` gives a sub-stream that does not shift the
 * main one when its consumer draws more or less.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A seeded random stream. */
export class Rng {
  private readonly gen: RandomGenerator;

  constructor(readonly seed: number) {
    this.gen = xoroshiro128plus(seed | 0);
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return uniformInt(this.gen, min, max);
  }

  /** Float in [0, 1). */
  float(): number {
    return this.int(0, 0x3fffffff) / 0x40000000;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** `n` lowercase hex characters. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.int(0, 15).toString(16);
    return s;
  }

  /** An independent stream derived from this seed and a label. */
  fork(label: string): Rng {
    let h = this.seed | 0;
    for (const ch of label) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
    return new Rng(h ^ 0x5bd1e995);
  }
}
