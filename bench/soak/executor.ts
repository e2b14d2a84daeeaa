/**
 * Plays the schedule against the running system: each event at its time, user actions on one
 * dataflow one after another (a person does not edit before the create returned), everything else
 * concurrently. Records what actually happened to each event, for the event log and the table.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlPlane } from '../../test/cluster/control-plane.js';
import { describeEvent, type FaultKind, type KillMoment, type SoakEvent } from './events.js';
import { BACKGROUND, faultRules } from './faults-plan.js';
import type { Fleet, FleetLine } from './fleet.js';
import type { KubeProxy } from './kube-proxy.js';
import type { SoakProfile } from './profile.js';
import { Rng } from './rng.js';
import type { SimProcess } from './sim-process.js';
import type { Outcome, User } from './user.js';

/** One played event. */
export interface Played {
  event: SoakEvent;
  startedAt: number;
  outcome: Outcome;
}

/** Log lines of the work each kill moment is meant to interrupt (ops of the 'applying plan' line). */
const MOMENT_OPS: Record<KillMoment, RegExp> = {
  create: /^create /,
  replace: /^replace |source or target connection is new|base connection was recreated/,
  delete: /^delete /,
  rotation: /credentials Secret changed|^update baseConnection/,
};

/** How long a kill waits for its moment before it strikes anyway. */
const KILL_WAIT_MS = 8_000;

/** How long a failover waits for a leader to stop (a killed one's Lease runs out in seconds). */
const LEADER_WAIT_MS = 30_000;

/** How long a watch silence waits for an open watch (after a restart the controller re-lists first). */
const SILENCE_WAIT_MS = 30_000;

/** The executor. */
export class Executor {
  readonly played: Played[] = [];
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly active = new Map<number, FaultKind>();
  private readonly rng: Rng;
  private readonly planWaiters = new Set<(l: FleetLine) => void>();
  /** When each watch silence happened, how many watches it silenced and whose. */
  readonly silences: { at: number; silenced: number; clients: string[] }[] = [];
  lastFaultEndAt = 0;
  t0 = 0;
  private ended = false;
  private markQuiet: (at: number) => void = () => {};
  /** Resolves with the epoch ms of the last disruption: every event before `end` done, its work too. */
  readonly quiet = new Promise<number>((resolve) => (this.markQuiet = resolve));

  constructor(
    private readonly o: {
      profile: SoakProfile;
      user: User;
      fleet: Fleet;
      sim: SimProcess;
      plane: ControlPlane;
      proxy: KubeProxy;
      log: (line: string) => void;
    },
  ) {
    this.rng = new Rng(o.profile.seed).fork('executor');
  }

  /** Feed of the fleet's interesting lines. */
  onLine(l: FleetLine): void {
    if (l.msg === 'applying plan') for (const w of this.planWaiters) w(l);
  }

  /** Plays every event; resolves when the last one (and everything it started) is done. */
  async play(events: SoakEvent[]): Promise<void> {
    this.t0 = Date.now();
    await this.setFaults();
    for (let i = 0; i < events.length;) {
      const e = events[i]!;
      if (e.kind === 'end') {
        const before = [...this.inFlight];
        void Promise.all(before).then(() => this.markQuiet(Math.max(Date.now(), this.lastFaultEndAt)));
      }
      const wait = this.t0 + e.at - Date.now();
      if (wait > 0) await sleep(wait);
      if (e.kind === 'create') {
        // Creates due at the same moment go in one `kubectl apply`, as a GitOps sync does.
        const batch: Extract<SoakEvent, { kind: 'create' }>[] = [];
        while (i < events.length && events[i]!.kind === 'create' && events[i]!.at === e.at)
          batch.push(events[i++] as Extract<SoakEvent, { kind: 'create' }>);
        const started = Date.now();
        const p = this.o.user
          .createAll(batch)
          .then((outcome) => batch.forEach((b) => this.record(b, started, outcome)));
        for (const b of batch) this.chains.set(b.name, p);
        this.track(p);
        continue;
      }
      i += 1;
      this.track(this.dispatch(e));
    }
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    this.markQuiet(Math.max(Date.now(), this.lastFaultEndAt)); // no end event: now
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((err: unknown) => this.o.log(`harness error: ${String(err)}`));
    this.inFlight.add(q);
    void q.finally(() => this.inFlight.delete(q));
  }

  private record(event: SoakEvent, startedAt: number, outcome: Outcome): void {
    this.played.push({ event, startedAt, outcome });
    const detail = 'detail' in outcome && outcome.detail ? ` — ${outcome.detail}` : '';
    this.o.log(`${describeEvent(event)} → ${outcome.result}${detail}`);
  }

  private async dispatch(e: SoakEvent): Promise<void> {
    const started = Date.now();
    const done = (outcome: Outcome) => this.record(e, started, outcome);
    if ('name' in e) {
      const prev = this.chains.get(e.name) ?? Promise.resolve();
      const next = prev.catch(() => {}).then(async () => done(await this.o.user.run(e)));
      this.chains.set(e.name, next);
      return next;
    }
    switch (e.kind) {
      case 'rotate-mixpanel':
      case 'rotate-aep':
        return done(await this.o.user.run(e));
      case 'faults': {
        this.active.set(e.seq, e.fault);
        await this.setFaults();
        done({ result: 'done' });
        await sleep(e.durationMs);
        this.active.delete(e.seq);
        this.lastFaultEndAt = Date.now();
        await this.setFaults();
        return;
      }
      case 'revoke-tokens':
        await this.o.sim.control('POST', 'tokens/revoke');
        this.lastFaultEndAt = Date.now();
        return done({ result: 'done' });
      case 'kill':
        return done(await this.kill(e.moment));
      case 'failover': {
        // Just after a kill the Lease is still running out: wait for the next leader.
        const deadline = Date.now() + LEADER_WAIT_MS;
        while (!this.o.fleet.leader() && Date.now() < deadline) await sleep(250);
        const leader = this.o.fleet.leader();
        if (!leader) return done({ result: 'skipped', detail: 'no leader right now' });
        this.o.fleet.signal(leader, 'SIGTERM');
        this.lastFaultEndAt = Date.now();
        return done({ result: 'done', detail: `SIGTERM ${leader.replica}#${leader.n}` });
      }
      case 'apiserver-restart':
        await this.o.plane.restartApiServer();
        this.lastFaultEndAt = Date.now();
        return done({ result: 'done', detail: `back after ${((Date.now() - started) / 1000).toFixed(1)} s` });
      case 'silence-watches': {
        // Right after a kill or an API server restart no watch may be open yet: wait for one.
        const deadline = Date.now() + SILENCE_WAIT_MS;
        while (this.o.proxy.openWatches() === 0 && Date.now() < deadline) await sleep(250);
        const { count, clients } = this.o.proxy.silenceWatches();
        this.silences.push({ at: Date.now(), silenced: count, clients });
        this.lastFaultEndAt = Date.now() + this.o.profile.controller.stallMs;
        return done({ result: 'done', detail: `${count} open watches of ${clients.join(', ')} silenced` });
      }
      case 'end':
        this.ended = true;
        this.active.clear();
        await this.o.sim.control('DELETE', 'faults');
        this.lastFaultEndAt = Math.max(this.lastFaultEndAt, Date.now());
        return done({ result: 'done', detail: 'faults cleared' });
      default:
        return done({ result: 'skipped', detail: 'unknown event' });
    }
  }

  private async setFaults(): Promise<void> {
    if (this.ended) return; // a window still open at the end must not bring faults back
    const rules = [
      ...BACKGROUND,
      ...[...this.active.values()].flatMap((k) => faultRules(k, this.o.profile.controller.rateLimit)),
    ];
    await this.o.sim.control('POST', 'faults', {
      seed: this.o.profile.seed * 1000 + this.played.length,
      rules,
    });
  }

  // Waits for the leader to start the kind of work this kill is for, then strikes a moment later.
  private async kill(moment: KillMoment): Promise<Outcome> {
    const matched = await new Promise<FleetLine | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.planWaiters.delete(waiter);
        resolve(undefined);
      }, KILL_WAIT_MS);
      const waiter = (l: FleetLine) => {
        const ops = (l.line['ops'] as string[] | undefined) ?? [];
        if (l.inc !== this.o.fleet.leader() || !ops.some((op) => MOMENT_OPS[moment].test(op))) return;
        clearTimeout(timer);
        this.planWaiters.delete(waiter);
        resolve(l);
      };
      this.planWaiters.add(waiter);
    });
    await sleep(this.rng.int(0, 250));
    const leader = this.o.fleet.leader() ?? this.o.fleet.alive()[0];
    if (!leader) return { result: 'skipped', detail: 'no controller running' };
    this.o.fleet.signal(leader, 'SIGKILL');
    this.lastFaultEndAt = Date.now();
    return {
      result: 'done',
      detail: matched
        ? `SIGKILL ${leader.replica}#${leader.n} while applying ${(matched.line['ops'] as string[]).find((op) => MOMENT_OPS[moment].test(op))?.slice(0, 80)}`
        : `SIGKILL ${leader.replica}#${leader.n} (no ${moment} seen within ${KILL_WAIT_MS / 1000} s)`,
    };
  }
}
