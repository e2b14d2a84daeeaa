/** The simulated clock: real time plus an offset that tests advance through the control API, or,
 * in manual mode, a fixed start that moves only when advanced (fully virtual time for tests). */
export class SimClock {
  private offsetMs: number;
  private readonly startMs: number;

  /** `startOffsetMs` may be negative: the simulated clock starts in the past (reset keeps it). */
  constructor(
    private readonly startOffsetMs = 0,
    private readonly manual = false,
  ) {
    this.offsetMs = startOffsetMs;
    this.startMs = Date.now();
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return (this.manual ? this.startMs : Date.now()) + this.offsetMs;
  }

  /** Moves simulated time forward (never backward). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance must be a non-negative number');
    this.offsetMs += ms;
  }

  /** Back to the starting offset (real time unless started in the past; the start, when manual). */
  reset(): void {
    this.offsetMs = this.startOffsetMs;
  }
}
