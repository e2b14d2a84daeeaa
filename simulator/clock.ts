/** The simulated clock: real time plus an offset that tests advance through the control API. */
export class SimClock {
  private offsetMs: number;

  /** `startOffsetMs` may be negative: the simulated clock starts in the past (reset keeps it). */
  constructor(private readonly startOffsetMs = 0) {
    this.offsetMs = startOffsetMs;
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves simulated time forward (never backward). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance must be a non-negative number');
    this.offsetMs += ms;
  }

  /** Back to the starting offset (real time unless started in the past). */
  reset(): void {
    this.offsetMs = this.startOffsetMs;
  }
}
