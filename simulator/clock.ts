/** The simulated clock: real time plus an offset that tests advance through the control API, or,
 * in manual mode, a fixed start that moves only when advanced (fully virtual time for tests). */
export class SimClock {
  private offsetMs = 0;
  private readonly startMs: number;

  constructor(private readonly manual = false) {
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

  /** Back to the start (manual) or real time. */
  reset(): void {
    this.offsetMs = 0;
  }
}
