#!/usr/bin/env node
/** `npm run plan -- -f <dir> …` / `node dist/controller/plan/main.js -f <dir> …` (see cli.ts). */
import { PLAN_EXIT, runPlan } from './cli.js';

runPlan(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`plan failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(PLAN_EXIT.error);
  },
);
