import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStateFile } from '../../controller/offline/state.js';
import { readFixtures } from '../../simulator/fixtures.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { copyExamples, inventory, ofKind, start } from './harness.js';

describe('local mode with a state file', () => {
  let sim: RunningSimulator;
  let dir: string;
  let stateDir: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, fixtures: readFixtures('examples/simulator/fixtures.json') });
    dir = await copyExamples();
    stateDir = await mkdtemp(join(tmpdir(), 'mpdf-state-'));
  });
  afterAll(async () => {
    await sim.close();
    for (const d of [dir, stateDir]) await rm(d, { recursive: true, force: true });
  });

  const run = (stateFile: string) =>
    start('controller/local/main.ts', [
      ...['--manifests', dir, '--platform-url', sim.url, '--ims-url', sim.url, '--state', stateFile],
      ...['--metrics-bind-address', '0', '--health-probe-bind-address', '0', '--output', 'plain'],
    ]);

  const authHash = async (id: string) =>
    ((await (await fetch(`${sim.url}/__simulator/resources/${id}`)).json()) as { authParamsSha256: string })
      .authParamsSha256;

  it('pushes a rotated Mixpanel password, records ids, and deletes on restart what was removed while stopped', async () => {
    const stateFile = join(stateDir, 'state.json');
    const first = run(stateFile);
    try {
      await first.waitFor(/^all 4 dataflows Ready/);
      const recorded = readStateFile(stateFile);
      const flowIds = ofKind(await inventory(sim.url), 'flows')
        .map((f) => f.id)
        .sort();
      expect([...recorded.values()].map((r) => r.status.flow?.id).sort()).toEqual(flowIds);
      const baseId = recorded.get('analytics/purchases')!.status.baseConnection!.id;
      const before = await authHash(baseId);

      const secrets = join(dir, '01-secrets.yaml');
      await writeFile(
        secrets,
        (await readFile(secrets, 'utf8')).replace('sim-mixpanel-secret', 'rotated-secret'),
      );
      await first.waitFor(
        /^analytics\/purchases CredentialsRotated: Updated the Mixpanel credentials of base connection /,
      );
      expect(await authHash(baseId)).not.toBe(before);
      expect(first.lines.join('\n')).not.toContain('rotated-secret');
      expect(await first.stop('SIGINT')).toBe(0);
    } finally {
      await first.stop('SIGKILL');
    }
    expect(await readFile(stateFile, 'utf8')).not.toContain('rotated-secret');

    const historyFlow = ofKind(await inventory(sim.url), 'flows').find(
      (f) => f.name === 'analytics/history-once',
    )!;
    await rm(join(dir, '13-history-once.yaml'));
    const second = run(stateFile);
    try {
      await second.waitFor(/^analytics\/history-once deleted$/);
      await second.waitFor(/^all 3 dataflows Ready/);
      expect(ofKind(await inventory(sim.url), 'flows').map((f) => f.id)).not.toContain(historyFlow.id);
      expect(second.lines.filter((l) => / (Created|Adopted|Updated): /.test(l))).toEqual([]);
      expect([...readStateFile(stateFile).keys()].sort()).toEqual([
        'analytics/app-events-hourly',
        'analytics/purchases',
        'analytics/signups-daily',
      ]);
      expect(await second.stop('SIGINT')).toBe(0);
    } finally {
      await second.stop('SIGKILL');
    }
  }, 120_000);
});
