/** The simulated clock: real time plus an offset that tests advance through the control API. */
export class SimClock {
  private offsetMs = 0;

  /** Simulated epoch milliseconds. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves simulated time forward (never backward). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance must be a non-negative number');
    this.offsetMs += ms;
  }

  /** Back to real time. */
  reset(): void {
    this.offsetMs = 0;
  }
}
