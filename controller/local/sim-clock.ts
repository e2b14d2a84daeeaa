/**
 * Drives a simulator's clock so runs appear within seconds: simulated time moves `speed` times
 * faster than real time, through the simulator's control endpoint. Used only against a simulator
 * (the embedded one, or an external one when `--sim-speed` is given); never against Adobe.
 * The engine reads `now()` so its start-time decisions agree with the simulator's clock.
 */
import { request } from 'undici';

/** Control endpoint of the simulator's clock. */
export const SIM_CLOCK_PATH = '/__simulator/clock';

/** Options of the driver. */
export interface SimClockOptions {
  url: string;
  /** Simulated seconds per real second (1: real time). */
  speed: number;
  /** How often the clock is advanced. */
  tickMs?: number;
  /** Simulated epoch ms to jump to at start when it is ahead (e.g. the earliest startTime). */
  startAt?: number;
  onError?: (err: unknown) => void;
}

/** Advances the simulator's clock on a timer. */
export class SimClockDriver {
  private offsetMs = 0;
  private last = Date.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly opts: SimClockOptions) {}

  /** Simulated now, as last reported by the simulator plus elapsed real time. */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Reads the clock, jumps to `startAt` when ahead, then ticks. */
  async start(): Promise<void> {
    const simNow = await this.post(undefined);
    const jump = (this.opts.startAt ?? 0) - simNow;
    if (jump > 0) await this.post(jump);
    this.last = Date.now();
    if (this.opts.speed <= 1) return;
    this.timer = setInterval(() => {
      this.ticking = this.ticking.then(() => this.tick()).catch((err: unknown) => this.opts.onError?.(err));
    }, this.opts.tickMs ?? 1000);
    this.timer.unref();
  }

  /** Stops ticking. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  private async tick(): Promise<void> {
    const real = Date.now();
    const advance = Math.round((real - this.last) * (this.opts.speed - 1));
    this.last = real;
    if (advance > 0) await this.post(advance);
  }

  /** GET (advance undefined) or POST the clock; returns and records the simulated now. */
  private async post(advanceMs: number | undefined): Promise<number> {
    const res = await request(`${this.opts.url}${SIM_CLOCK_PATH}`, {
      method: advanceMs === undefined ? 'GET' : 'POST',
      ...(advanceMs === undefined
        ? {}
        : { body: JSON.stringify({ advanceMs }), headers: { 'content-type': 'application/json' } }),
    });
    const body = (await res.body.json()) as { now?: number };
    if (res.statusCode !== 200 || typeof body.now !== 'number')
      throw new Error(`simulator clock answered ${res.statusCode}`);
    this.offsetMs = body.now - Date.now();
    return body.now;
  }
}
