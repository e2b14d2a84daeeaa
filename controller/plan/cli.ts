/**
 * `plan`: reads manifests, observes Adobe read-only, prints what reconciling would do.
 * Exit codes (usable as a CI check): 0 nothing would change, 2 something would, 1 error
 * (invalid manifests, unreadable state, a dataflow that cannot be planned, bad flags).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAdobeConnector } from '../adobe/index.js';
import { readManifestDir, readStateFile, type LocalRecord } from '../offline/index.js';
import { formatPlans } from './format.js';
import { isChange, planAll } from './plan.js';

/** Exit codes of `plan`. */
export const PLAN_EXIT = { noChanges: 0, error: 1, changes: 2 } as const;

/** Adobe's production endpoints (the cluster controller's defaults). */
export const ADOBE_ENDPOINTS = {
  platformUrl: 'https://platform.adobe.io',
  imsUrl: 'https://ims-na1.adobelogin.com',
} as const;

/** Usage text. */
export const PLAN_USAGE = `usage: plan -f <manifest dir> [--platform-url <url> --ims-url <url> | --simulator] [--state <file>] [--output text|json]
exit codes: 0 no changes, 2 changes, 1 error`;

/** Where output goes. */
export interface PlanIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Runs `plan` with argv (without node and script); resolves to the exit code. */
export async function runPlan(argv: readonly string[], io: PlanIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        filename: { type: 'string', short: 'f' },
        manifests: { type: 'string' },
        'platform-url': { type: 'string' },
        'ims-url': { type: 'string' },
        simulator: { type: 'boolean' },
        fixtures: { type: 'string' },
        state: { type: 'string' },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${PLAN_USAGE}\n`);
    return PLAN_EXIT.error;
  }
  if (values['help']) {
    io.stdout(`${PLAN_USAGE}\n`);
    return PLAN_EXIT.noChanges;
  }
  const dir = (values['filename'] ?? values['manifests']) as string | undefined;
  const output = (values['output'] as string | undefined) ?? 'text';
  if (!dir || !existsSync(dir) || (output !== 'text' && output !== 'json')) {
    io.stderr(
      `${!dir ? 'missing -f <manifest dir>' : !existsSync(dir) ? `no such folder: ${dir}` : `--output: want text or json`}\n${PLAN_USAGE}\n`,
    );
    return PLAN_EXIT.error;
  }
  const simulator = values['simulator'] === true;
  if (simulator && (values['platform-url'] || values['ims-url'])) {
    io.stderr(`--simulator and --platform-url/--ims-url exclude each other\n${PLAN_USAGE}\n`);
    return PLAN_EXIT.error;
  }
  let state: Map<string, LocalRecord> | undefined;
  try {
    state = values['state'] ? readStateFile(values['state'] as string) : undefined;
  } catch (err) {
    io.stderr(`${(err as Error).message}\n`);
    return PLAN_EXIT.error;
  }

  const set = await readManifestDir(dir, state);
  let closeSim = async () => undefined as void;
  let platformUrl = (values['platform-url'] as string | undefined) ?? ADOBE_ENDPOINTS.platformUrl;
  let imsUrl = (values['ims-url'] as string | undefined) ?? ADOBE_ENDPOINTS.imsUrl;
  if (simulator) {
    const { startSimulator } = await import('../../simulator/index.js');
    const { readFixtures } = await import('../../simulator/fixtures.js');
    const file = (values['fixtures'] as string | undefined) ?? join(dir, 'simulator', 'fixtures.json');
    const fixtures = existsSync(file) ? readFixtures(file) : undefined;
    const sim = await startSimulator({ port: 0, ...(fixtures ? { fixtures } : {}) });
    platformUrl = imsUrl = sim.url;
    closeSim = () => sim.close();
  }
  const settings = { platformUrl, imsUrl };
  const connector = createAdobeConnector(settings);
  try {
    const plans = await planAll(set, {
      connect: connector.connect,
      ...(state ? { state } : {}),
      now: new Date(),
    });
    if (output === 'json') io.stdout(`${JSON.stringify({ problems: set.problems, plans }, null, 2)}\n`);
    else io.stdout(formatPlans(plans, set.problems));
    if (set.problems.length > 0 || plans.some((p) => p.error)) return PLAN_EXIT.error;
    return plans.some((p) => p.ops.some(isChange)) ? PLAN_EXIT.changes : PLAN_EXIT.noChanges;
  } finally {
    await connector.close();
    await closeSim();
  }
}
