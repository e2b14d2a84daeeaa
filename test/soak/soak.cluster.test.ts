import { describe, expect, it } from '@jest/globals';
import { KNOWN_FAILURES, knownFailure } from '../../bench/soak/known.js';
import { soakProfile } from '../../bench/soak/profile.js';
import { renderReport, renderViolations } from '../../bench/soak/report.js';
import { runSoak } from '../../bench/soak/soak.js';

// The CI soak: its own kube-apiserver (it restarts it), the simulator and two controller replicas
// as child processes, a 2-minute seeded schedule of Adobe faults, kills, a failover, an API server
// restart, a silenced watch and user activity, then the invariants (docs/soak.md).
const SEED = 16;

describe('the seeded soak (2 minutes, fixed seed)', () => {
  it(`ends with 0 violations (seed ${SEED})`, async () => {
    const lines: string[] = [];
    const profile = soakProfile({ seed: SEED, crs: 10, minutes: 2, replicas: 2 });
    const result = await runSoak(profile, { log: (l) => lines.push(l), known: knownFailure });
    const report = renderReport(result);
    const violations = renderViolations(result);
    process.stderr.write(`${report}\n${violations}\n`);
    if (result.checks.some((c) => c.violations.length > 0))
      process.stderr.write(`event log:\n${lines.filter((l) => !l.startsWith('  planned')).join('\n')}\n`);
    expect(violations.split('\n').filter((l) => l.startsWith('VIOLATION'))).toEqual([]);
    expect(result.convergenceMs).toBeLessThanOrEqual(profile.bounds.convergenceMs);
    // A known failure that no longer happens must be removed from the list (seen at the end, or on
    // some dataflow during the run: a later edit can heal it before the end).
    for (const k of KNOWN_FAILURES) {
      const seen =
        result.knownFailures.some((v) => v.issue === k.issue) || result.knownSeenDuring.includes(k.issue);
      expect(`issue ${k.issue} (${k.what}) still seen: ${seen}`).toBe(
        `issue ${k.issue} (${k.what}) still seen: true`,
      );
    }
    // Everything the schedule injects really happened.
    const done = (kind: string) =>
      result.played.filter((x) => x.event.kind === kind && x.outcome.result === 'done').length;
    for (const kind of [
      'kill',
      'failover',
      'apiserver-restart',
      'silence-watches',
      'revoke-tokens',
      'faults',
    ])
      expect(`${kind}: ${done(kind) > 0}`).toBe(`${kind}: true`);
    expect(result.silencedWatches).toBeGreaterThan(0);
    // The continuous checks really ran: scrapes read, run counters compared, calls attributed.
    expect(result.figures.scrapes).toBeGreaterThan(10);
    expect(result.figures.counterChecks).toBeGreaterThan(0);
    expect(result.figures.runsFinished).toBeGreaterThan(0);
    expect(result.figures.totalCalls).toBeGreaterThan(0);
  }, 420_000);
});
