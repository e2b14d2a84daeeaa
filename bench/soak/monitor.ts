/**
 * The continuous half of the checker, run every few seconds during the soak and once more at the
 * end: secret values in status, Events and scrapes (logs are scanned as they stream); run counters
 * against the simulator's run ledger (a count above what Adobe produced is a double count);
 * Flow Service calls attributed to each dataflow per minute (no hot loop); controller RSS.
 */
import { readFileSync } from 'node:fs';
import type { MixpanelDataflow } from '../../controller/api/index.js';
import type { KubeHttp } from '../../controller/runtime/kube-http.js';
import { OWNED_NAME, OWNED_NAME_IN, ownedResources, type Violation } from './end-state.js';
import type { Fleet, Incarnation } from './fleet.js';
import type { LeakScanner } from './leaks.js';
import type { SoakProfile } from './profile.js';
import { runOwner } from './run-owner.js';
import type { SimProcess } from './sim-process.js';
import type { Ledger } from './user.js';

const RUNS = /^mixpanel_dataflow_runs_total\{([^}]*)\} (\d+(?:\.\d+)?)/gm;

/** What the monitor found so far. */
export interface MonitorFigures {
  ticks: number;
  scrapes: number;
  counterChecks: number;
  /** Runs Adobe finished (its run ledger) and the most the controllers counted, at the last check. */
  runsFinished: number;
  runsCounted: number;
  /** Highest Flow Service calls by one dataflow in one minute, and which. */
  /** The dataflow-minute closest to its ceiling: calls, the ceiling then, whose and when. */
  maxCallsPerMinute: { calls: number; ceiling: number; actions: number; subject: string; minute: number };
  /** Calls not attributable to one dataflow (tokens, specs, unfiltered lists), highest per minute. */
  maxUnattributedPerMinute: number;
  totalCalls: number;
  maxRssMiB: number;
  droppedLogEntries: number;
}

/** Reads RSS (MiB) of a pid from procfs; undefined when it is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The monitor. */
export class Monitor {
  readonly violations: Violation[] = [];
  readonly figures: MonitorFigures = {
    ticks: 0,
    scrapes: 0,
    counterChecks: 0,
    runsFinished: 0,
    runsCounted: 0,
    maxCallsPerMinute: { calls: 0, ceiling: 1, actions: 0, subject: '', minute: 0 },
    maxUnattributedPerMinute: 0,
    totalCalls: 0,
    maxRssMiB: 0,
    droppedLogEntries: 0,
  };
  /** Highest run count seen per incarnation and dataflow name. */
  private readonly counted = new Map<Incarnation, Map<string, number>>();
  private readonly idOwner = new Map<string, string>();
  private readonly perMinute = new Map<number, Map<string, number>>();
  private logCursor = 0;
  private t0 = Date.now();
  private lastEventsScan = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly o: {
      profile: SoakProfile;
      fleet: Fleet;
      sim: SimProcess;
      kube: KubeHttp;
      leaks: LeakScanner;
      ledger: Ledger;
      /** User actions played so far, by dataflow name and start time (the call ceiling grows with them). */
      actions?: () => { name: string; at: number }[];
      /** The issue owning what a dataflow shows now, when it is a known failure (bench/soak/known.ts). */
      known?: (v: Violation, crs: MixpanelDataflow[]) => number | undefined;
    },
  ) {}

  /** Issues whose known failure some dataflow showed during the run (it may heal before the end). */
  readonly knownSeen = new Set<number>();

  /** Marks the start of the schedule (minute buckets count from here). */
  start(): void {
    this.t0 = Date.now();
  }

  private violate(check: string, subject: string, detail: string): void {
    const key = `${check}|${subject}|${detail}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.violations.push({ check, subject, detail });
  }

  /** One round of every continuous check. */
  async tick(final = false): Promise<void> {
    this.figures.ticks += 1;
    const ns = this.o.profile.namespace;
    const crs = await this.o.kube
      .request<{ items: MixpanelDataflow[] }>(
        'GET',
        `/apis/aepflows.io/v1alpha1/namespaces/${ns}/mixpaneldataflows`,
      )
      .then((l) => l.items)
      .catch(() => undefined);
    for (const cr of crs ?? []) {
      this.o.leaks.scan(JSON.stringify(cr.status ?? {}), 'status', cr.metadata.name!);
      const issue = this.o.known?.(
        { check: 'Ready at the current generation', subject: cr.metadata.name!, detail: '' },
        crs!,
      );
      if (issue !== undefined) this.knownSeen.add(issue);
      if (cr.metadata.uid) this.o.ledger.uids.set(cr.metadata.name!, cr.metadata.uid);
      for (const link of Object.values(cr.status ?? {}))
        if (link && typeof link === 'object' && 'id' in link && typeof link.id === 'string')
          this.idOwner.set(link.id, cr.metadata.uid!);
    }
    if (final || Date.now() - this.lastEventsScan > 20_000) {
      this.lastEventsScan = Date.now();
      const events = await this.o.kube
        .request<{ items: unknown[] }>('GET', `/apis/events.k8s.io/v1/namespaces/${ns}/events`)
        .catch(() => undefined);
      for (const e of events?.items ?? []) this.o.leaks.scan(JSON.stringify(e), 'event', ns);
    }
    const state = await this.o.sim.state().catch(() => undefined);
    for (const [uid, list] of ownedResources(state?.resources ?? []))
      for (const r of list) this.idOwner.set(r.id, uid);
    await this.scrapeAndCompare();
    await this.attributeCalls();
    for (const inc of this.o.fleet.alive()) {
      const rss = rssMiB(inc.pid);
      if (rss === undefined) continue;
      this.figures.maxRssMiB = Math.max(this.figures.maxRssMiB, rss);
      if (rss > this.o.profile.bounds.rssMiB)
        this.violate(
          'controller RSS bounded',
          `${inc.replica}#${inc.n}`,
          `${rss.toFixed(0)} MiB > ${this.o.profile.bounds.rssMiB} MiB`,
        );
    }
  }

  private async scrapeAndCompare(): Promise<void> {
    for (const inc of this.o.fleet.alive()) {
      if (!inc.metricsPort) continue;
      const text = await fetch(`http://127.0.0.1:${inc.metricsPort}/metrics`, {
        signal: AbortSignal.timeout(5_000),
      })
        .then((r) => r.text())
        .catch(() => undefined);
      if (text === undefined) continue;
      this.figures.scrapes += 1;
      this.o.leaks.scan(text, 'scrape', `${inc.replica}#${inc.n}`);
      const sums = new Map<string, number>();
      for (const m of text.matchAll(RUNS)) {
        const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
        if (labels['status'] === 'inProgress') continue;
        sums.set(labels['name']!, (sums.get(labels['name']!) ?? 0) + Number(m[2]));
      }
      const mine = this.counted.get(inc) ?? new Map<string, number>();
      for (const [name, n] of sums) {
        const before = mine.get(name) ?? 0;
        if (n < before)
          this.violate(
            'run counters never double count',
            name,
            `${inc.replica}#${inc.n} counter went down from ${before} to ${n}`,
          );
        mine.set(name, Math.max(before, n));
      }
      this.counted.set(inc, mine);
    }
    // The ledger is read after the scrapes, so it holds at least every run they could have counted.
    const ledger = await this.o.sim.ledger().catch(() => undefined);
    if (!ledger) return;
    const produced = new Map<string, number>();
    for (const [flowId, f] of Object.entries(ledger)) {
      const uid = runOwner(flowId, f, this.idOwner, this.o.ledger.uids, this.o.profile.namespace);
      if (uid) produced.set(uid, (produced.get(uid) ?? 0) + f.finished);
    }
    const total = new Map<string, number>();
    for (const m of this.counted.values())
      for (const [name, n] of m) total.set(name, (total.get(name) ?? 0) + n);
    this.figures.runsFinished = [...produced.values()].reduce((a, b) => a + b, 0);
    this.figures.runsCounted = [...total.values()].reduce((a, b) => a + b, 0);
    for (const [name, n] of total) {
      this.figures.counterChecks += 1;
      const uid = this.o.ledger.uids.get(name);
      const finished = uid ? (produced.get(uid) ?? 0) : 0;
      if (n > finished)
        this.violate(
          'run counters never double count',
          name,
          `controllers counted ${n} finished runs, Adobe produced ${finished}`,
        );
    }
  }

  private async attributeCalls(): Promise<void> {
    for (;;) {
      const page = await this.o.sim.requestsAfter(this.logCursor).catch(() => undefined);
      if (!page) return;
      this.figures.droppedLogEntries += page.dropped;
      for (const e of page.entries) {
        if (!e.template.startsWith('/data/')) continue;
        this.figures.totalCalls += 1;
        const minute = Math.floor((e.at - this.t0) / 60_000);
        const bucket = this.perMinute.get(minute) ?? new Map<string, number>();
        const owner = this.owner(e);
        bucket.set(owner, (bucket.get(owner) ?? 0) + 1);
        this.perMinute.set(minute, bucket);
      }
      this.logCursor = page.last;
      if (page.entries.length < 10_000) break;
    }
    const { base, perAction } = this.o.profile.bounds.callsPerDataflowMinute;
    const actions = new Map<string, number>();
    for (const a of this.o.actions?.() ?? []) {
      const key = `${a.name}|${Math.floor((a.at - this.t0) / 60_000)}`;
      actions.set(key, (actions.get(key) ?? 0) + 1);
    }
    for (const [minute, bucket] of this.perMinute)
      for (const [owner, calls] of bucket) {
        if (owner === '') {
          this.figures.maxUnattributedPerMinute = Math.max(this.figures.maxUnattributedPerMinute, calls);
          continue;
        }
        const subject = this.nameOf(owner);
        const acted = actions.get(`${subject}|${minute}`) ?? 0;
        const ceiling = base + perAction * acted;
        const max = this.figures.maxCallsPerMinute;
        if (calls / ceiling > max.calls / max.ceiling)
          this.figures.maxCallsPerMinute = { calls, ceiling, actions: acted, subject, minute };
        if (calls > ceiling)
          this.violate(
            'Flow Service calls per dataflow per minute under the ceiling',
            subject,
            `${calls} calls in minute ${minute} (ceiling ${ceiling}: ${base} + ${perAction} × ${acted} user actions)`,
          );
      }
  }

  private owner(e: { path: string; query: string; name?: string }): string {
    const byName = OWNED_NAME.exec(e.name ?? '') ?? OWNED_NAME_IN.exec(decodeURIComponent(e.query));
    if (byName) return byName[1]!;
    for (const token of `${e.path}/${decodeURIComponent(e.query)}`.split(/[/=&,?]+/)) {
      const uid = this.idOwner.get(token);
      if (uid) return uid;
    }
    return '';
  }

  private nameOf(uid: string): string {
    for (const [name, u] of this.o.ledger.uids) if (u === uid) return name;
    return uid;
  }
}
