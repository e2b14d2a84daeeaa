import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createAdobeConnector } from '../../controller/adobe/index.js';
import { localUid } from '../../controller/offline/uid.js';
import { PLAN_EXIT, runPlan } from '../../controller/plan/cli.js';
import { mappingRows } from '../../controller/reconcile/desired.js';
import { mappingSetName, type DataflowSpec } from '../../controller/reconcile/index.js';
import { SIMULATOR_DEFAULTS, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { readFixtures } from '../../simulator/fixtures.js';
import { copyExamples, inventory, ofKind, requestCounts, start } from '../local/harness.js';

let sim: RunningSimulator;
let stateDir: string;
let stateFile: string;
const dirs: string[] = [];

/** Runs plan in-process against the simulator; returns exit code and stdout. */
async function plan(dir: string, extra: string[] = []): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runPlan(['-f', dir, '--platform-url', sim.url, '--ims-url', sim.url, ...extra], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
  });
  return { code, out, err };
}

/** A fresh copy of the examples with `edit(fileName, text)` applied to every file. */
async function examplesWith(edit: (file: string, text: string) => string | null): Promise<string> {
  const dir = await copyExamples();
  dirs.push(dir);
  for (const f of [
    '01-secrets.yaml',
    '10-purchases.yaml',
    '11-signups-daily.yaml',
    '12-app-events-hourly.yaml',
    '13-history-once.yaml',
  ]) {
    const path = join(dir, f);
    const next = edit(f, await readFile(path, 'utf8'));
    if (next === null) await rm(path);
    else await writeFile(path, next);
  }
  return dir;
}

const only = (file: string, change: (text: string) => string | null) =>
  examplesWith((f, text) => (f === file ? change(text) : text));

/** The block of plan output for one dataflow. */
function section(out: string, key: string): string {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${key}:`));
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && /^\S/.test(l));
  return lines
    .slice(start, end < 0 ? undefined : end)
    .join('\n')
    .trimEnd();
}

let flowIds: Map<string, string>;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, fixtures: readFixtures('examples/simulator/fixtures.json') });
  stateDir = await mkdtemp(join(tmpdir(), 'mpdf-plan-state-'));
  stateFile = join(stateDir, 'state.json');
  // Bring the examples to Ready with local mode (recording its state file), then stop it.
  const manifests = await copyExamples();
  dirs.push(manifests);
  const local = start('controller/local/main.ts', [
    ...['--manifests', manifests, '--platform-url', sim.url, '--ims-url', sim.url, '--state', stateFile],
    ...['--metrics-bind-address', '0', '--health-probe-bind-address', '0', '--output', 'plain'],
  ]);
  await local.waitFor(/^all 4 dataflows Ready/);
  expect(await local.stop('SIGINT')).toBe(0);
  flowIds = new Map(ofKind(await inventory(sim.url), 'flows').map((f) => [f.name!, f.id]));
  // A mapping set outliving its chain (Data Prep cannot delete it) for a dataflow purchases-copy.
  const spec = (parse(await readFile('examples/10-purchases.yaml', 'utf8')) as { spec: DataflowSpec }).spec;
  const connector = createAdobeConnector({ imsUrl: sim.url, platformUrl: sim.url });
  await connector.connect({ ...SIMULATOR_DEFAULTS, sandbox: 'prod' }).createMappingSet({
    name: mappingSetName(localUid('analytics', 'purchases-copy')),
    schemaId: spec.target.schemaId,
    mappings: mappingRows(spec.mappings),
  });
  await connector.close();
  await fetch(`${sim.url}/__simulator/requests`, { method: 'DELETE' });
}, 60_000);

afterAll(async () => {
  await sim.close();
  for (const d of [...dirs, stateDir]) await rm(d, { recursive: true, force: true });
});

describe('plan', () => {
  it.each([
    ['with ids from the state file', true],
    ['with ids discovered by deterministic name', false],
  ])(
    'exits 0 and says "no changes" for every dataflow when nothing changed (%s)',
    async (_label, withState) => {
      const dir = await examplesWith((_f, t) => t);
      const { code, out } = await plan(dir, withState ? ['--state', stateFile] : []);
      for (const key of ['purchases', 'signups-daily', 'app-events-hourly', 'history-once'])
        expect(section(out, `analytics/${key}`)).toBe(`analytics/${key}: no changes`);
      expect(out).toContain('Plan: 0 to create, 0 to update, 0 to replace, 0 to delete.');
      expect(code).toBe(PLAN_EXIT.noChanges);
    },
  );

  it('shows a schedule change as an in-place update of the flow with the field diff', async () => {
    const dir = await only('10-purchases.yaml', (t) => t.replace('interval: 15', 'interval: 30'));
    const { code, out } = await plan(dir);
    const s = section(out, 'analytics/purchases');
    expect(s).toContain(`~ update flow ${flowIds.get('Mixpanel purchases')} (the spec differs from Adobe)`);
    expect(s).toContain('schedule.interval: 15 → 30');
    expect(s).not.toMatch(/replace|create|delete/);
    expect(section(out, 'analytics/signups-daily')).toBe('analytics/signups-daily: no changes');
    expect(code).toBe(PLAN_EXIT.changes);
  });

  it('prints the same plan as JSON with --output json', async () => {
    const dir = await only('10-purchases.yaml', (t) => t.replace('interval: 15', 'interval: 30'));
    const { code, out } = await plan(dir, ['--output', 'json']);
    const parsed = JSON.parse(out) as {
      problems: unknown[];
      plans: Array<{ key: string; ops: Array<{ verb: string; diff?: unknown[] }> }>;
    };
    expect(parsed.problems).toEqual([]);
    const purchases = parsed.plans.find((p) => p.key === 'analytics/purchases')!;
    expect(purchases.ops).toEqual([
      expect.objectContaining({
        link: 'flow',
        verb: 'update',
        diff: [{ field: 'schedule.interval', from: '15', to: '30' }],
      }),
    ]);
    expect(code).toBe(PLAN_EXIT.changes);
  });

  it('shows a mapping change as a mapping set update listing removed and added rows, and a new mapping version on the flow', async () => {
    const dir = await only('10-purchases.yaml', (t) =>
      t.replace('destination: _simtenant.item_name', 'destination: _simtenant.product_name'),
    );
    const { code, out } = await plan(dir);
    const s = section(out, 'analytics/purchases');
    expect(s).toMatch(/~ update mappingSet \w+ \(the spec differs from Adobe\)/);
    expect(s).toContain('- item_name → _simtenant.item_name');
    expect(s).toContain('+ item_name → _simtenant.product_name');
    expect(s).toMatch(/~ update flow .*\n\s+mapping: \w+@\d+ → \w+@\(next version\)/);
    expect(code).toBe(PLAN_EXIT.changes);
  });

  it('shows enabling a disabled flow as an enable of that flow', async () => {
    const dir = await only('12-app-events-hourly.yaml', (t) => t.replace('enabled: false', 'enabled: true'));
    const { code, out } = await plan(dir);
    expect(section(out, 'analytics/app-events-hourly')).toContain(
      `~ enable flow ${flowIds.get('Mixpanel mobile app events')} (spec.enabled differs from the flow state)`,
    );
    expect(code).toBe(PLAN_EXIT.changes);
  });

  it('shows a Mixpanel password change as a credentials update of every base connection using it (state file), never the password', async () => {
    const dir = await only('01-secrets.yaml', (t) =>
      t.replace('password: sim-mixpanel-secret', 'password: rotated-secret'),
    );
    const { code, out } = await plan(dir, ['--state', stateFile]);
    const s = section(out, 'analytics/purchases');
    expect(s).toMatch(/~ update baseConnection [\w-]+ \(the Mixpanel credentials Secret changed\)/);
    expect(s).toMatch(/auth\.params: hash sha256:\w+ → hash sha256:\w+/);
    for (const key of ['signups-daily', 'app-events-hourly', 'history-once'])
      expect(section(out, `analytics/${key}`)).toMatch(
        /~ update baseConnection [\w-]+ \(the Mixpanel credentials Secret changed\)/,
      );
    expect(out).not.toContain('rotated-secret');
    expect(out).not.toContain('sim-mixpanel-secret');
    expect(code).toBe(PLAN_EXIT.changes);
  });

  it.each([
    [
      'projectId',
      (t: string) => t.replace("projectId: '2384945'", "projectId: '9999999'"),
      'projectId: 2384945 → 9999999',
      'Plan: 0 to create, 0 to update, 3 to replace, 3 to delete.',
    ],
    [
      'datasetId',
      (t: string) =>
        t
          .replace('datasetId: 5ef4551c52e054191a61a99f', 'datasetId: 5ef4551c52e054191a61a9a0')
          .replace(/schemas\/995dabbe\w+/, 'schemas/7c1b2f0e9a8d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a998877'),
      'datasetId: 5ef4551c52e054191a61a99f → 5ef4551c52e054191a61a9a0',
      // The mapping set follows the new schema in place.
      'Plan: 0 to create, 1 to update, 3 to replace, 3 to delete.',
    ],
  ])(
    'shows a %s change as a replace of the source/target pair and the flow, with the reason, then deletes of the old ones',
    async (_f, change, diff, totals) => {
      const dir = await only('10-purchases.yaml', change);
      const { code, out } = await plan(dir);
      const s = section(out, 'analytics/purchases');
      const flowId = flowIds.get('Mixpanel purchases')!;
      expect(s).toMatch(
        /-\/\+ replace sourceConnection [\w-]+ \(Adobe does not update source\/target connections in place: projectId, timezone, datasetId or schemaId changed\)/,
      );
      expect(s).toMatch(/-\/\+ replace targetConnection [\w-]+ \(Adobe does not update/);
      expect(s).toContain(diff);
      expect(s).toContain(`-/+ replace flow ${flowId} (its source or target connection is new)`);
      expect(s).toContain(`- delete flow ${flowId} (replaced by a new resource)`);
      expect(out).toContain(totals);
      expect(code).toBe(PLAN_EXIT.changes);
    },
  );

  it('shows a removed manifest as the deletion of its chain per deletionPolicy (state file)', async () => {
    const dir = await examplesWith((f, t) =>
      f === '11-signups-daily.yaml' || f === '12-app-events-hourly.yaml' ? null : t,
    );
    const { code, out } = await plan(dir, ['--state', stateFile]);
    const signups = section(out, 'analytics/signups-daily');
    expect(signups).toContain('note: manifest removed; deletionPolicy Delete deletes the chain');
    expect(signups).toContain(
      `- delete flow ${flowIds.get('analytics/signups-daily')} (the MixpanelDataflow is being deleted)`,
    );
    expect(signups).toMatch(/- delete sourceConnection [\w-]+/);
    expect(signups).toMatch(/- delete targetConnection [\w-]+/);
    expect(signups).toMatch(/- delete baseConnection [\w-]+/);
    expect(section(out, 'analytics/app-events-hourly')).toBe(
      'analytics/app-events-hourly: no changes\n  note: manifest removed; deletionPolicy Orphan leaves the Adobe chain in place',
    );
    expect(out).toContain('Plan: 0 to create, 0 to update, 0 to replace, 4 to delete.');
    expect(code).toBe(PLAN_EXIT.changes);
  });

  it('shows a mapping set the engine would adopt by name as no create, for a dataflow with no chain yet', async () => {
    const dir = await examplesWith((_f, t) => t);
    const copy = (await readFile(join(dir, '10-purchases.yaml'), 'utf8')).replace(
      'name: purchases',
      'name: purchases-copy',
    );
    await writeFile(join(dir, '20-purchases-copy.yaml'), copy);
    const { code, out } = await plan(dir);
    const s = section(out, 'analytics/purchases-copy');
    expect(s).toContain('+ create baseConnection (not created yet)');
    expect(s).toContain('+ create flow (not created yet)');
    expect(s).not.toContain('mappingSet');
    expect(section(out, 'analytics/purchases')).toBe('analytics/purchases: no changes');
    expect(code).toBe(PLAN_EXIT.changes);
  });

  it('exits 1 and names file, document and field for an invalid manifest, still planning the others', async () => {
    const dir = await only('10-purchases.yaml', (t) => t.replace('interval: 15', 'interval: 5'));
    const { code, out } = await plan(dir);
    expect(out).toMatch(
      /^invalid: .*10-purchases\.yaml \(document 1\) analytics\/purchases spec\.schedule\.interval: Invalid value: "object": interval must be at least 15 when frequency is minute$/m,
    );
    expect(section(out, 'analytics/signups-daily')).toBe('analytics/signups-daily: no changes');
    expect(code).toBe(PLAN_EXIT.error);
  });

  it('exits 1 when a referenced Secret is missing, and on bad flags', async () => {
    const dir = await only('01-secrets.yaml', () => null);
    const missing = await plan(dir);
    expect(section(missing.out, 'analytics/purchases')).toContain(
      'Secret aep-credentials is not among the manifests',
    );
    expect(missing.code).toBe(PLAN_EXIT.error);
    const bad = await runPlan(['--nope'], { stdout: () => undefined, stderr: () => undefined });
    expect(bad).toBe(PLAN_EXIT.error);
  });

  it('runs as `npm run plan` and exits 2 with creates against a fresh embedded simulator', async () => {
    const child = start('npm', ['run', '--silent', 'plan', '--', '-f', 'examples', '--simulator']);
    const code = await child.exited;
    const out = child.lines.join('\n');
    expect(out).toContain('analytics/purchases: 5 changes');
    expect(out).toContain('+ create flow (not created yet)');
    expect(out).toContain('Plan: 20 to create, 1 to update, 0 to replace, 0 to delete.');
    expect(code).toBe(PLAN_EXIT.changes);
  }, 30_000);

  it('never wrote to Adobe: every plan above made reads only (simulator request counters)', async () => {
    const counts = await requestCounts(sim.url);
    const writes = Object.entries(counts).filter(
      ([k]) => /^(POST|PUT|PATCH|DELETE) /.test(k) && !k.startsWith('POST /ims/token'),
    );
    expect(counts['GET /data/foundation/flowservice/flows/{id}']).toBeGreaterThan(0);
    expect(writes).toEqual([]);
  });
});
