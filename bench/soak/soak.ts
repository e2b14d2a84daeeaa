/**
 * One soak run: a real kube-apiserver + etcd, the simulator and the controller replicas as child
 * processes, the schedule played against them while the monitor checks continuously, then — faults
 * stopped — the end-state invariants polled until they hold or the convergence bound runs out.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MixpanelDataflow } from '../../controller/api/index.js';
import { SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import { kubectlPath } from '../../test/cluster/cli-tools.js';
import { startControlPlane } from '../../test/cluster/control-plane.js';
import { installCrds } from '../../test/cluster/crds.js';
import { REPO_ROOT } from '../../test/cluster/paths.js';
import { seedDataset } from '../../test/e2e/support/sim.js';
import { endStateViolations, type EndState, type Violation } from './end-state.js';
import { describeEvent } from './events.js';
import { Executor } from './executor.js';
import { Fleet } from './fleet.js';
import { startKubeProxy } from './kube-proxy.js';
import { LeakScanner } from './leaks.js';
import { Monitor } from './monitor.js';
import { settle } from './settle.js';
import type { SoakProfile } from './profile.js';
import type { SoakResult } from './report.js';
import { buildSchedule } from './schedule.js';
import { startSimProcess } from './sim-process.js';
import { User, type Ledger } from './user.js';

/** Options of a run. */
export interface RunOptions {
  log: (line: string) => void;
  /** Issue-tracked failures: the issue owning a violation, which is then reported apart, not counted. */
  known?: (v: Violation, crs: MixpanelDataflow[]) => number | undefined;
}

/** Runs one soak. */
export async function runSoak(p: SoakProfile, opts: RunOptions): Promise<SoakResult> {
  const log = opts.log;
  const logDir = await mkdtemp(join(tmpdir(), `mdc-soak-${p.seed}-`));
  const schedule = buildSchedule(p);
  log(`seed ${p.seed}: ${schedule.events.length} events over ${p.minutes} min; logs in ${logDir}`);
  for (const e of schedule.events) log(`  planned ${describeEvent(e)}`);

  const plane = await startControlPlane();
  const sim = await startSimProcess(join(logDir, 'simulator.log'));
  // Adobe's clock runs at the controller's pace, as in production: a simulated Adobe 60 times faster
  // put flow start times in the controller's future (its "not started yet" was Adobe's "started").
  const leaks = new LeakScanner();
  const ledger: Ledger = { uids: new Map(), deleted: new Map() };
  let fleet: Fleet | undefined;
  const proxy = await startKubeProxy(plane.kubeConfig(), logDir);
  try {
    await installCrds(plane.kubeConfig(), join(REPO_ROOT, 'crds'));
    const targets = [];
    for (let i = 0; i < p.datasets; i++) targets.push(await seedDataset(sim.url));
    const user = new User({
      admin: plane.kubeConfig(),
      kubeconfigPath: plane.kubeconfigPath,
      kubectl: await kubectlPath(),
      namespace: p.namespace,
      sim,
      leaks,
      targets,
      clientId: SIMULATOR_DEFAULTS.clientId,
      orgId: SIMULATOR_DEFAULTS.orgId,
      ledger,
    });
    await user.setUp(schedule.secrets);

    let leaderChanges = 0;
    let lastLeader: string | undefined;
    const restarts: { at: number; inc: string }[] = [];
    const late: { executor?: Executor } = {};
    fleet = new Fleet({
      profile: p,
      kubeconfigFor: proxy.kubeconfigFor,
      simUrl: sim.url,
      logDir,
      leaks,
      restartDelayMs: 1_000,
      onLine: (l) => {
        const who = `${l.inc.replica}#${l.inc.n}`;
        if (l.msg === 'became leader; starting workers') {
          if (lastLeader !== undefined && lastLeader !== who) leaderChanges += 1;
          lastLeader = who;
        }
        if (l.msg === 'watch restarted') restarts.push({ at: Date.now(), inc: who });
        late.executor?.onLine(l);
      },
    });
    fleet.start();
    const monitor = new Monitor({
      profile: p,
      fleet,
      sim,
      kube: user.kube,
      leaks,
      ledger,
      known: opts.known,
      actions: () =>
        (late.executor?.played ?? []).flatMap((x) =>
          // What reached the cluster or Adobe: a refused or skipped edit makes no work.
          'name' in x.event && x.outcome.result === 'done' ? [{ name: x.event.name, at: x.startedAt }] : [],
        ),
    });
    const leaderDeadline = Date.now() + 120_000;
    while (!fleet.leader() && Date.now() < leaderDeadline) await sleep(200);
    if (!fleet.leader()) throw new Error(`no controller became leader; see ${logDir}`);

    const executor = new Executor({ profile: p, user, fleet, sim, plane, proxy, log });
    late.executor = executor;
    monitor.start();
    let monitoring = true;
    const loop = (async () => {
      while (monitoring) {
        await monitor.tick().catch((err: unknown) => log(`monitor error: ${String(err)}`));
        await sleep(p.crs > 30 ? 5_000 : 3_000);
      }
    })();
    const played = executor.play(schedule.events);
    const settled = await settle({
      read: async () => {
        const state = await readEndState(user, sim, p.namespace, ledger);
        const all = endStateViolations(state);
        const counted = all.filter((v) => opts.known?.(v, state.crs) === undefined);
        return { crs: state.crs, all, counted };
      },
      quiet: executor.quiet,
      played,
      boundMs: p.bounds.convergenceMs,
      intervalMs: p.crs > 30 ? 5_000 : 3_000,
      log,
    });
    await played;
    const { crs, all: end, counted: endChecks, convergenceMs } = settled;
    monitoring = false;
    await loop;
    await monitor.tick(true);

    const known = end.flatMap((v) => {
      const issue = opts.known?.(v, crs);
      return issue === undefined ? [] : [{ ...v, issue }];
    });
    const byCheck = (name: string, list: Violation[]) => list.filter((v) => v.check === name);
    // Every incarnation whose watches went silent, and that lived long enough, restarted them.
    const silenceViolations: Violation[] = executor.silences
      .filter((s) => s.silenced > 0)
      .flatMap((s) =>
        s.clients
          .filter((inc) => {
            const i = fleet!.incarnations.find((x) => `${x.replica}#${x.n}` === inc);
            const deadline = s.at + p.controller.stallMs + 20_000;
            const survived = i && (i.exitedAt ?? Infinity) > deadline;
            return survived && !restarts.some((r) => r.inc === inc && r.at > s.at && r.at <= deadline);
          })
          .map((inc) => ({
            check: 'a silent watch is restarted',
            subject: inc,
            detail: `no 'watch restarted' within ${(p.controller.stallMs + 20_000) / 1000} s of the silence`,
          })),
      );
    const crashes: Violation[] = fleet.incarnations
      .filter((i) => (i.endedBy === 'own' && !(i.lostLease && i.exit === 1)) || i.fatal.length > 0)
      .map((i) => ({
        check: 'the controller never crashes',
        subject: `${i.replica}#${i.n}`,
        detail: `exit ${String(i.exit)}; ${i.fatal[0] ?? 'no fatal line'} (log ${i.logFile})`,
      }));
    const admitted: Violation[] = executor.played
      .filter((x) => x.outcome.result === 'admitted')
      .map((x) => ({
        check: 'invalid edits rejected at admission',
        subject: describeEvent(x.event),
        detail: 'detail' in x.outcome ? (x.outcome.detail ?? '') : '',
      }));
    const leakViolations: Violation[] = leaks.leaks.map((l) => ({
      check: 'no secret value in logs, events, status or scrapes',
      subject: l.secret,
      detail: l.where,
    }));
    const live = crs.length;
    const checks = [
      {
        name: 'Ready at the current generation',
        count: live,
        violations: byCheck('Ready at the current generation', endChecks),
      },
      {
        name: 'deleted dataflows are gone',
        count: ledger.deleted.size,
        violations: byCheck('deleted dataflows are gone', endChecks),
      },
      { name: 'exactly one chain', count: live, violations: byCheck('exactly one chain', endChecks) },
      {
        name: 'every flow equals its spec',
        count: live,
        violations: byCheck('every flow equals its spec', endChecks),
      },
      { name: 'no orphans', count: 1, violations: byCheck('no orphans', endChecks) },
      {
        name: 'deleted dataflows left nothing',
        count: [...ledger.deleted.values()].filter((x) => x === 'Delete').length,
        violations: byCheck('deleted dataflows left nothing', endChecks),
      },
      {
        name: 'run counters never double count',
        count: monitor.figures.counterChecks,
        violations: byCheck('run counters never double count', monitor.violations),
      },
      {
        name: 'no secret value in logs, events, status or scrapes',
        count: Object.values(leaks.scanned).reduce((a, b) => a + b, 0),
        violations: leakViolations,
      },
      {
        name: 'Flow Service calls per dataflow per minute under the ceiling',
        count: monitor.figures.totalCalls,
        violations: byCheck(
          'Flow Service calls per dataflow per minute under the ceiling',
          monitor.violations,
        ),
      },
      {
        name: 'controller RSS bounded',
        count: monitor.figures.ticks,
        violations: byCheck('controller RSS bounded', monitor.violations),
      },
      {
        name: 'invalid edits rejected at admission',
        count: executor.played.filter((x) => x.event.kind === 'invalid-edit').length,
        violations: admitted,
      },
      { name: 'the controller never crashes', count: fleet.incarnations.length, violations: crashes },
      { name: 'a silent watch is restarted', count: executor.silences.length, violations: silenceViolations },
    ];
    return {
      profile: p,
      played: executor.played,
      incarnations: fleet.incarnations,
      leaderChanges,
      silencedWatches: executor.silences.reduce((n, s) => n + s.silenced, 0),
      checks,
      figures: monitor.figures,
      convergenceMs,
      lastDisruptionS: (settled.quietAt - executor.t0) / 1000,
      knownFailures: known,
      knownSeenDuring: [...monitor.knownSeen],
      logDir,
    };
  } finally {
    await fleet?.stop();
    await proxy.close();
    await sim.stop();
    await plane.stop();
  }
}

async function readEndState(
  user: User,
  sim: Awaited<ReturnType<typeof startSimProcess>>,
  ns: string,
  ledger: Ledger,
): Promise<EndState> {
  const crs = (
    await user.retry(() =>
      user.kube.request<{ items: MixpanelDataflow[] }>(
        'GET',
        `/apis/aepflows.io/v1alpha1/namespaces/${ns}/mixpaneldataflows`,
      ),
    )
  ).items;
  const { resources } = await sim.state();
  const secrets: EndState['secrets'] = {};
  const list = await user.retry(() =>
    user.kube.request<{ items: { metadata: { name: string }; data?: Record<string, string> }[] }>(
      'GET',
      `/api/v1/namespaces/${ns}/secrets`,
    ),
  );
  for (const s of list.items)
    secrets[s.metadata.name] = Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
  const baseAuth: EndState['baseAuth'] = {};
  for (const r of resources.filter((x) => x.kind === 'connections')) {
    const doc = await sim
      .control<{ authParamsSha256?: string }>('GET', `resources/${encodeURIComponent(r.id)}`)
      .catch(() => undefined);
    baseAuth[r.id] = doc?.authParamsSha256;
  }
  return { crs, resources, secrets, baseAuth, ledger };
}
