/** Pending transitional states (delete-finalizing, enabled-finalizing, disabling, inProgress,
 * updating): each ends at a simulated instant, checked before every request and on clock advances. */

interface Pending {
  until: number;
  done: () => void;
}

/** The transitions in flight, keyed by resource id (one per resource). */
export class Transitions {
  private pending = new Map<string, Pending>();
  private earliest = Infinity;

  /** Starts (or replaces) the transition of `key`; `done` runs once simulated time reaches `until`. */
  start(key: string, until: number, done: () => void): void {
    this.pending.set(key, { until, done });
    this.earliest = Math.min(this.earliest, until);
  }

  /** Whether `key` is in a transitional state. */
  has(key: string): boolean {
    return this.pending.has(key);
  }

  /** When the transition of `key` ends, if one is pending. */
  until(key: string): number | undefined {
    return this.pending.get(key)?.until;
  }

  /** Ends every transition due by `now`, oldest first. Cheap when none is due. */
  settle(now: number): void {
    if (now < this.earliest) return;
    const due = [...this.pending.entries()]
      .filter(([, p]) => p.until <= now)
      .sort((a, b) => a[1].until - b[1].until);
    for (const [key, p] of due) {
      this.pending.delete(key);
      p.done();
    }
    this.earliest = Math.min(Infinity, ...[...this.pending.values()].map((p) => p.until));
  }

  /** Number of transitions in flight (for the state endpoint). */
  size(): number {
    return this.pending.size;
  }

  /** Forgets every transition without finishing it. */
  clear(): void {
    this.pending.clear();
    this.earliest = Infinity;
  }
}
