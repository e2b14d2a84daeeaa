/**
 * Pure: the faults and disruptions laid over the user's timeline — fault windows (every kind, then
 * the common ones again), token revocations, kills armed at the work they interrupt, failovers, an
 * API server restart and silenced watches. Part of buildSchedule (schedule.ts), same random stream.
 */
import { FAULT_KINDS, KILL_MOMENTS } from './events.js';
import type { SoakProfile } from './profile.js';
import type { Rng } from './rng.js';
import type { Anchors, Draft } from './schedule.js';

/** Appends the disruptions to `out`. */
export function disruptions(rng: Rng, p: SoakProfile, anchors: Anchors, out: Draft[]): void {
  const D = p.durationMs;
  // Fault windows: every kind once, then 5xx and drops again while there is room; windows may overlap.
  const kinds = [...FAULT_KINDS, 'errors-5xx', 'dropped-connections', 'rate-limit-429'] as const;
  for (const fault of kinds) {
    const durationMs = fault === 'sandbox-outage' ? p.outageMs : p.faultWindowMs;
    const latest = 0.88 * D - durationMs;
    if (latest < 0.05 * D) continue;
    out.push({ at: rng.int(0.05 * D, latest), kind: 'faults', fault, durationMs } as Draft);
  }
  for (let i = 0; i < p.tokenRevocations; i++)
    out.push({ at: rng.int(0.1 * D, 0.85 * D), kind: 'revoke-tokens' } as Draft);

  const restarts: number[] = [];
  for (let i = 0; i < p.failovers; i++) {
    const at = rng.int(0.15 * D, 0.8 * D);
    restarts.push(at);
    out.push({ at, kind: 'failover' } as Draft);
  }
  for (let i = 0; i < p.apiserverRestarts; i++) {
    const at = rng.int(0.3 * D, 0.7 * D);
    restarts.push(at);
    out.push({ at, kind: 'apiserver-restart' } as Draft);
  }

  // Kills: each moment in turn, armed just before a user action that starts that work: the kill
  // waits for the leader's plan of that kind (the controller picks an edit up within a second, so a
  // kill armed after it would miss the work it is meant to interrupt). Preferably not from 10 s
  // before to 15 s after a failover or an API server restart: the leader may be changing then (the
  // work comes late), and a failover needs a leader.
  const killTimes: number[] = [];
  const moments = rng.shuffle(KILL_MOMENTS);
  for (let i = 0; i < p.kills; i++) {
    const moment = moments[i % moments.length]!;
    const spaced = anchors[moment].filter(
      (t) => t < 0.85 * D && killTimes.every((k) => Math.abs(k - t) > 8_000),
    );
    const calm = spaced.filter((t) => restarts.every((r) => t < r - 10_000 || t > r + 15_000));
    const candidates = calm.length ? calm : spaced;
    const base = candidates.length ? rng.pick(candidates) : rng.int(0.1 * D, 0.85 * D);
    const at = Math.max(0, base - rng.int(50, 500));
    killTimes.push(at);
    out.push({ at, kind: 'kill', moment } as Draft);
  }
  for (let i = 0; i < p.watchSilences; i++)
    out.push({
      at: rng.int(0.15 * D, Math.max(0.2 * D, D - p.controller.stallMs - 5_000)),
      kind: 'silence-watches',
    } as Draft);
}
