import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFixtures } from '../../simulator/fixtures.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { copyExamples, eventually, inventory, metricValue, ofKind, start, type Child } from './harness.js';

const READY = (n: number) => new RegExp(`^all ${n} dataflows Ready`);

/** Health and metrics ports from local mode's start line. */
function ports(child: Child): { health: number; metrics: number } {
  const line = child.lines.find((l) => l.startsWith('local mode:'))!;
  const m = /ports (\d+), (\d+)/.exec(line)!;
  return { health: Number(m[1]), metrics: Number(m[2]) };
}

const flowsByName = async (url: string) =>
  new Map(ofKind(await inventory(url), 'flows').map((f) => [f.name!, f]));

describe('local mode against a separately started simulator', () => {
  let sim: RunningSimulator;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, fixtures: readFixtures('examples/simulator/fixtures.json') });
    dir = await copyExamples();
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  const localMode = () =>
    start('controller/local/main.ts', [
      '--manifests',
      dir,
      '--platform-url',
      sim.url,
      '--ims-url',
      sim.url,
      '--metrics-bind-address',
      '127.0.0.1:0',
      '--health-probe-bind-address',
      '127.0.0.1:0',
      '--sim-speed',
      '60',
      '--sync-period',
      '500ms',
      '--output',
      'plain',
    ]);

  it('reconciles the examples, serves metrics, follows edits and removals, stops on Ctrl-C and adopts on restart', async () => {
    const started = Date.now();
    const child = localMode();
    try {
      await child.waitFor(READY(4));
      const toSummaryMs = Date.now() - started;
      process.stdout.write(`local mode: ${toSummaryMs} ms from start to "all 4 dataflows Ready"\n`);

      // Inventory: one chain per example, in the sandbox each example names.
      let all = await inventory(sim.url);
      expect(ofKind(all, 'flows')).toHaveLength(4);
      expect(ofKind(all, 'connections')).toHaveLength(4);
      expect(ofKind(all, 'sourceConnections')).toHaveLength(4);
      expect(ofKind(all, 'targetConnections')).toHaveLength(4);
      expect(ofKind(all, 'mappingSets')).toHaveLength(4);
      const flows = await flowsByName(sim.url);
      expect(flows.get('Mixpanel mobile app events')?.sandboxName).toBe('dev');
      expect(flows.get('Mixpanel mobile app events')?.state).toBe('disabled');
      expect(flows.get('Mixpanel purchases')?.state).toBe('enabled');

      // Endpoints: health answers, metrics show reconciles, Ready conditions and, soon, runs.
      const { health, metrics } = ports(child);
      expect((await fetch(`http://127.0.0.1:${health}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${health}/readyz`)).status).toBe(200);
      const scrape = async () => (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
      const succeeded = (t: string) =>
        metricValue(t, 'controller_runtime_reconcile_total', { result: 'success' });
      let text = await eventually(scrape, (t) => succeeded(t) >= 4);
      expect(
        metricValue(text, 'controller_runtime_reconcile_total', { result: 'success' }),
      ).toBeGreaterThanOrEqual(4);
      // The cluster controller's metric names (docs/metrics.md), not a local variant.
      expect(metricValue(text, 'mixpanel_dataflow_status_condition', { type: 'Ready', status: 'True' })).toBe(
        4,
      );
      expect(metricValue(text, 'mixpanel_dataflow_info', { name: 'purchases', sandbox: 'prod' })).toBe(1);
      expect(metricValue(text, 'flowservice_requests_total')).toBeGreaterThan(0);
      // Runs: the engine's run monitoring writes Healthy and lastRun into status and counts each run once.
      await child.waitFor(/^analytics\/purchases Ready=True Synced=True Healthy=True .*lastRun=success/);
      text = await eventually(
        scrape,
        (t) => metricValue(t, 'mixpanel_dataflow_runs_total', { name: 'purchases', status: 'success' }) >= 1,
      );
      expect(
        metricValue(text, 'mixpanel_dataflow_runs_total', { name: 'purchases', status: 'success' }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        metricValue(text, 'mixpanel_dataflow_run_records_total', { name: 'purchases', outcome: 'written' }),
      ).toBeGreaterThan(0);
      expect(
        metricValue(text, 'mixpanel_dataflow_status_condition', {
          name: 'purchases',
          type: 'Healthy',
          status: 'True',
        }),
      ).toBe(1);
      expect(text).not.toMatch(/^mixpaneldataflow_/m);

      // Edit: a new interval is patched onto the same flow; an invalid file is reported, not fatal.
      const purchases = join(dir, '10-purchases.yaml');
      await writeFile(purchases, (await readFile(purchases, 'utf8')).replace('interval: 15', 'interval: 30'));
      await writeFile(
        join(dir, '20-broken.yaml'),
        (await readFile(purchases, 'utf8'))
          .replace('name: purchases', 'name: broken')
          .replace('interval: 30', 'interval: 5'),
      );
      const invalidAt = await child.waitFor(
        /^invalid: .*20-broken\.yaml \(document 1\) analytics\/broken spec\.schedule\.interval: /,
      );
      expect(child.lines[invalidAt]).toContain('interval must be at least 15 when frequency is minute');
      await child.waitFor(READY(4), invalidAt);
      const patched = (await flowsByName(sim.url)).get('Mixpanel purchases')!;
      expect(patched.id).toBe(flows.get('Mixpanel purchases')!.id);
      expect(Number((patched.doc['scheduleParams'] as { interval: unknown }).interval)).toBe(30);
      expect(ofKind(await inventory(sim.url), 'flows')).toHaveLength(4);

      // Remove: signups-daily (deletionPolicy Delete by default) loses its chain; mapping sets stay.
      const signupsFlow = flows.get('analytics/signups-daily')!;
      const signupsSource = (signupsFlow.doc['sourceConnectionIds'] as string[])[0]!;
      await rm(join(dir, '11-signups-daily.yaml'));
      const removedAt = await child.waitFor(/^analytics\/signups-daily deleted$/);
      await child.waitFor(READY(3), removedAt);
      all = await inventory(sim.url);
      expect(ofKind(all, 'flows').map((f) => f.id)).not.toContain(signupsFlow.id);
      expect(ofKind(all, 'sourceConnections').map((s) => s.id)).not.toContain(signupsSource);
      expect(ofKind(all, 'flows')).toHaveLength(3);
      expect(ofKind(all, 'connections')).toHaveLength(3);
      expect(ofKind(all, 'targetConnections')).toHaveLength(3);
      expect(ofKind(all, 'mappingSets')).toHaveLength(4);

      expect(await child.stop('SIGINT')).toBe(0);
      expect(child.lines.at(-1)).toBe('stopped');
    } finally {
      await child.stop('SIGKILL');
    }

    // Restart (no state file): the same chains are adopted; nothing new is created.
    const before = await inventory(sim.url);
    const again = localMode();
    try {
      await again.waitFor(READY(3));
      const after = await inventory(sim.url);
      const ids = (rs: typeof before) =>
        rs
          .filter((r) => r.kind !== 'dataSets' && r.kind !== 'schemas')
          .map((r) => r.id)
          .sort();
      expect(ids(after)).toEqual(ids(before));
      expect(again.lines.filter((l) => l.includes(' Created: '))).toEqual([]);
      expect(await again.stop('SIGINT')).toBe(0);
    } finally {
      await again.stop('SIGKILL');
    }
  }, 180_000);
});

describe('npm start with no flags but free ports', () => {
  it('starts the embedded simulator with the fixtures and brings every example to Ready', async () => {
    const started = Date.now();
    const child = start('npm', [
      'start',
      '--',
      '--metrics-bind-address',
      '127.0.0.1:0',
      '--health-probe-bind-address',
      '127.0.0.1:0',
    ]);
    try {
      await child.waitFor(/^embedded simulator on http:\/\/127\.0\.0\.1:\d+ \(fixtures: /);
      await child.waitFor(READY(4));
      process.stdout.write(`npm start: ${Date.now() - started} ms from spawn to "all 4 dataflows Ready"\n`);
      // The one Ready=False allowed is the wait for Adobe to finish disabling the enabled: false example.
      const troubled = child.lines.filter(
        (l) => /Ready=False|Synced=False/.test(l) && !l.includes('Adobe is still enabling or disabling'),
      );
      expect(troubled).toEqual([]);
      // Ctrl-C reaches npm and local mode alike; npm itself dies of the signal, local mode drains.
      await child.stop('SIGINT');
      await child.waitFor(/^stopped$/, 0, 10_000).catch(() => undefined);
      expect(child.lines).toContain('stopped');
    } finally {
      await child.stop('SIGKILL');
    }
  }, 120_000);
});
