/**
 * The simulated clock: every time-dependent behaviour of the simulator (token lifetimes, run
 * schedules, rate-limit windows, injected latency) reads and waits on it, so tests move time
 * through the control API instead of sleeping.
 */

/** What the simulator needs of a clock. */
export interface Clock {
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Resolves once `ms` of simulated time has passed. */
  sleep(ms: number): Promise<void>;
  /** Moves simulated time forward (never backward). */
  advance(ms: number): void;
  /** Back to the start (real time for SimClock). */
  reset(): void;
}

const checkAdvance = (ms: number): void => {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance must be a non-negative number');
};

/**
 * Real time plus an offset that tests advance through the control API (the default), or, in
 * manual mode, a fixed start that moves only when advanced (waits stay real).
 */
export class SimClock implements Clock {
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

  now(): number {
    return (this.manual ? this.startMs : Date.now()) + this.offsetMs;
  }

  /** Waits in real time (advancing does not shorten a wait already started). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  advance(ms: number): void {
    checkAdvance(ms);
    this.offsetMs += ms;
  }

  /** Back to the starting offset (real time unless started in the past; the start, when manual). */
  reset(): void {
    this.offsetMs = this.startOffsetMs;
  }
}

/**
 * A clock that stands still until advanced (tokio's paused time): `sleep` resolves only when
 * `advance` moves past its deadline, so a test decides exactly when latency ends or a window
 * closes, and nothing depends on how fast the machine is.
 */
export class ManualClock implements Clock {
  private t: number;
  private readonly sleepers: { at: number; wake: () => void }[] = [];

  constructor(private readonly startMs: number = Date.parse('2030-01-01T00:00:00Z')) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((wake) => this.sleepers.push({ at: this.t + ms, wake }));
  }

  advance(ms: number): void {
    checkAdvance(ms);
    this.t += ms;
    for (const s of this.sleepers.filter((x) => x.at <= this.t)) {
      this.sleepers.splice(this.sleepers.indexOf(s), 1);
      s.wake();
    }
  }

  /** Sleepers not yet woken. */
  pending(): number {
    return this.sleepers.length;
  }

  /** When the earliest sleeper wakes (epoch ms), or undefined when none sleeps. */
  nextWakeup(): number | undefined {
    return this.sleepers.length ? Math.min(...this.sleepers.map((s) => s.at)) : undefined;
  }

  reset(): void {
    this.t = this.startMs;
  }
}
