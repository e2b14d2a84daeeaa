/** The soak's one table: what was injected, what was checked, and the figures against their bounds. */
import { FAULT_KINDS, KILL_MOMENTS, USER_KINDS, type SoakEventKind } from './events.js';
import type { Played } from './executor.js';
import type { Violation } from './end-state.js';
import type { Incarnation } from './fleet.js';
import type { MonitorFigures } from './monitor.js';
import type { SoakProfile } from './profile.js';

/** Everything the report needs. */
export interface SoakResult {
  profile: SoakProfile;
  played: Played[];
  incarnations: Incarnation[];
  leaderChanges: number;
  silencedWatches: number;
  checks: { name: string; count: number; violations: Violation[] }[];
  figures: MonitorFigures;
  /**
   * ms from the last disruption (fault window, kill, restart, silence or edit) until every end-state
   * invariant held for good (background noise on until the end); undefined if never.
   */
  convergenceMs: number | undefined;
  /** Seconds into the schedule of the last disruption. */
  lastDisruptionS: number;
  /** Violations another issue owns (bench/soak/known.ts), not counted. */
  knownFailures: (Violation & { issue: number })[];
  /** Issues whose known failure was seen on some dataflow during the run, healed or not. */
  knownSeenDuring: number[];
  logDir: string;
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const rpad = (s: string | number, n: number) => String(s).padStart(n);

/** Renders the table. */
export function renderReport(r: SoakResult): string {
  const p = r.profile;
  const lines: string[] = [];
  const row = (label: string, value: string | number, note = '') =>
    lines.push(`  ${pad(label, 44)}${rpad(value, 7)}  ${note}`);
  const of = (k: SoakEventKind) => r.played.filter((x) => x.event.kind === k);
  lines.push(
    `MixpanelDataflow soak: seed ${p.seed}, ${p.crs} dataflows, ${p.minutes} min, ${p.replicas} replica(s)`,
  );
  lines.push('INJECTED');
  const windows = of('faults');
  for (const k of FAULT_KINDS) {
    const n = windows.filter((w) => w.event.kind === 'faults' && w.event.fault === k).length;
    const ms = windows.find((w) => w.event.kind === 'faults' && w.event.fault === k)?.event;
    row(
      `Adobe fault window: ${k}`,
      n,
      ms && ms.kind === 'faults' ? `${(ms.durationMs / 1000).toFixed(0)} s each` : '',
    );
  }
  row('Adobe background noise (1 % 500, 1 % 503, 0.5 % drops)', 'on');
  row('IMS token revocations', of('revoke-tokens').length);
  const kills = of('kill');
  for (const m of KILL_MOMENTS) {
    const mine = kills.filter((k) => k.event.kind === 'kill' && k.event.moment === m);
    row(
      `controller SIGKILL during ${m}`,
      mine.length,
      `${mine.filter((k) => 'detail' in k.outcome && /while applying/.test(k.outcome.detail ?? '')).length} struck while that work was applied`,
    );
  }
  row(
    'graceful failovers (SIGTERM the leader)',
    of('failover').filter((x) => x.outcome.result === 'done').length,
  );
  row('leader changes observed', r.leaderChanges);
  row(
    'controller exits on their own',
    r.incarnations.filter((i) => i.endedBy === 'own').length,
    'lost Lease (exit 1) is by design; crashes are violations',
  );
  row('kube-apiserver restarts', of('apiserver-restart').length);
  row('silenced watches (events / watch streams)', `${of('silence-watches').length}/${r.silencedWatches}`);
  for (const k of USER_KINDS) {
    const mine = of(k);
    const by = (res: string) => mine.filter((x) => x.outcome.result === res).length;
    const note = [
      by('skipped') ? `${by('skipped')} skipped` : '',
      by('rejected') ? `${by('rejected')} rejected at admission` : '',
      by('failed') ? `${by('failed')} FAILED` : '',
    ]
      .filter(Boolean)
      .join(', ');
    row(`user: ${k}`, mine.length, note);
  }
  lines.push('CHECKED                                        checks  violations');
  let total = 0;
  for (const c of r.checks) {
    total += c.violations.length;
    lines.push(`  ${pad(c.name, 44)}${rpad(c.count, 7)}  ${c.violations.length}`);
  }
  lines.push(`  ${pad('violations', 44)}${rpad('', 7)}  ${total}`);
  if (r.knownFailures.length) {
    const issues = [...new Set(r.knownFailures.map((v) => v.issue))].map((i) => `issue ${i}`);
    lines.push(`  known failures (not counted): ${r.knownFailures.length} (${issues.join(', ')})`);
  }
  if (r.knownSeenDuring.length)
    lines.push(
      `  known failures seen during the run: ${r.knownSeenDuring.map((i) => `issue ${i}`).join(', ')}`,
    );
  const b = p.bounds;
  const f = r.figures;
  lines.push('FIGURES (each against its bound)');
  lines.push(
    r.convergenceMs === undefined
      ? `  convergence after the last disruption (t+${r.lastDisruptionS.toFixed(0)} s of ${p.minutes * 60} s): not reached within ${(b.convergenceMs / 1000).toFixed(0)} s`
      : `  convergence after the last disruption (t+${r.lastDisruptionS.toFixed(0)} s of ${p.minutes * 60} s): ${(r.convergenceMs / 1000).toFixed(1)} s / bound ${(b.convergenceMs / 1000).toFixed(0)} s = ${(r.convergenceMs / b.convergenceMs).toFixed(2)}`,
  );
  lines.push(
    `  Flow Service calls per dataflow per minute, closest to its ceiling: ${f.maxCallsPerMinute.calls} (${f.maxCallsPerMinute.subject}, minute ${f.maxCallsPerMinute.minute}, ${f.maxCallsPerMinute.actions} user actions) / ceiling ${f.maxCallsPerMinute.ceiling} (${b.callsPerDataflowMinute.base} + ${b.callsPerDataflowMinute.perAction} per action) = ${(f.maxCallsPerMinute.calls / f.maxCallsPerMinute.ceiling).toFixed(2)}`,
  );
  lines.push(
    `  Flow Service calls in total: ${f.totalCalls} (${(f.totalCalls / p.crs / Math.max(1, p.minutes)).toFixed(1)} per dataflow per minute of schedule); unattributed max ${f.maxUnattributedPerMinute}/min`,
  );
  lines.push(
    `  runs Adobe finished: ${f.runsFinished}; counted by the controllers: ${f.runsCounted} (never above, per dataflow)`,
  );
  lines.push(
    `  controller RSS: max ${f.maxRssMiB.toFixed(0)} MiB / limit ${b.rssMiB} MiB = ${(f.maxRssMiB / b.rssMiB).toFixed(2)}`,
  );
  lines.push(`  logs: ${r.logDir}`);
  return lines.join('\n');
}

/** Every violation, one per line. */
export function renderViolations(r: SoakResult): string {
  return r.checks
    .flatMap((c) => c.violations.map((v) => `VIOLATION ${c.name}: ${v.subject}: ${v.detail}`))
    .concat(
      r.knownFailures.map((v) => `known failure (issue ${v.issue}) ${v.check}: ${v.subject}: ${v.detail}`),
    )
    .join('\n');
}
