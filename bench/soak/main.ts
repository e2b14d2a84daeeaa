/**
 * `npm run soak -- --crs 100 --minutes 10 --seed 42 [--replicas 2]`: the seeded soak (see
 * docs/soak.md). Prints the seed, the planned and the played event log, then one table of what
 * was injected and what was checked; exit 0 with 0 violations, 1 otherwise.
 */
import { parseArgs } from 'node:util';
import { knownFailure } from './known.js';
import { soakProfile } from './profile.js';
import { renderReport, renderViolations } from './report.js';
import { runSoak } from './soak.js';

const { values } = parseArgs({
  options: {
    crs: { type: 'string', default: '100' },
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    replicas: { type: 'string', default: '1' },
  },
});
const replicas = Number(values.replicas);
if (replicas !== 1 && replicas !== 2) {
  process.stderr.write('--replicas must be 1 or 2\n');
  process.exit(2);
}
const profile = soakProfile({
  seed: Number(values.seed),
  crs: Number(values.crs),
  minutes: Number(values.minutes),
  replicas,
});
const started = Date.now();
const result = await runSoak(profile, { log: (l) => process.stdout.write(`${l}\n`), known: knownFailure });
process.stdout.write(`\n${renderReport(result)}\n`);
const violations = renderViolations(result);
if (violations) process.stdout.write(`\n${violations}\n`);
process.stdout.write(`\nseed ${profile.seed}; wall time ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(result.checks.some((c) => c.violations.length > 0) ? 1 : 0);
