/**
 * End to end: the real controller process against a real kube-apiserver and the simulator. Runs
 * are scripted to fail and then succeed, the simulator's clock is advanced, and the test asserts
 * on status.lastRun, the Healthy condition and a real scrape of /metrics (which promtool lints).
 * A restarted controller does not count the same runs again; a deleted dataflow leaves no series.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SIMULATOR_DEFAULTS, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { killAll, startController, type ControllerProcess } from '../e2e/support/controller-process.js';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type MixpanelDataflow } from '../../controller/api/index.js';
import { createTestNamespace, testKubeConfig } from '../cluster/test-cluster.js';
import { apply, condition, kubectlOk } from '../e2e/support/kube.js';
import { dataflowManifest, secretsManifest } from '../e2e/support/manifests.js';
import { seedDataset } from '../e2e/support/sim.js';
import { waitFor } from '../e2e/support/wait.js';
import { promtool, samples, withoutExemptFamilies } from './promtool.js';

const MIN = 60_000;

/** Reads the CR through the API (undefined once deleted). */
async function dataflow(namespace: string, name: string): Promise<MixpanelDataflow | undefined> {
  const api = testKubeConfig().makeApiClient(CustomObjectsApi);
  try {
    return (await api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name,
    })) as MixpanelDataflow;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}
const NAME = 'health';

describe('flow health through the controller process', () => {
  let sim: RunningSimulator;
  let ns: string;
  let t0 = 0;
  const controllers: ControllerProcess[] = [];
  const control = async (path: string, body: unknown): Promise<void> => {
    const r = await fetch(`${sim.url}/__simulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`simulator ${path}: ${r.status} ${await r.text()}`);
  };
  const simNow = async () =>
    ((await (await fetch(`${sim.url}/__simulator/clock`)).json()) as { now: number }).now;
  const advanceTo = async (at: number) => control('clock', { advanceMs: Math.max(0, at - (await simNow())) });
  const start = () => {
    const c = startController({
      kubeconfig: process.env.KUBECONFIG!,
      simUrl: sim.url,
      namespaces: [ns],
      syncPeriod: '1s',
    });
    controllers.push(c);
    return c;
  };
  const scrape = async (c: ControllerProcess) =>
    (await fetch(`http://127.0.0.1:${await c.metricsPort()}/metrics`)).text();
  const L = () => `namespace="${ns}",name="${NAME}"`;
  const waitFor2 = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
    waitFor(probe, { timeoutMs: 60_000, what });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ns = await createTestNamespace('e2e-health');
    const target = await seedDataset(sim.url);
    await apply(secretsManifest(ns));
    t0 = Math.ceil((await simNow()) / MIN) * MIN + MIN;
    await apply(
      JSON.stringify(
        dataflowManifest(ns, NAME, target, {
          schedule: { frequency: 'minute', interval: 15, startTime: new Date(t0).toISOString() },
        }),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await killAll(controllers);
    await sim?.close();
  });

  it('follows failing and succeeding runs in status and metrics, counting each run once', async () => {
    const c = start();
    const ready = await waitFor2('Ready', async () => {
      const obj = await dataflow(ns, NAME);
      return condition(obj, 'Ready')?.status === 'True' ? obj : undefined;
    });
    expect(condition(ready, 'Healthy')).toMatchObject({ status: 'Unknown', reason: 'NoRunsYet' });
    const flowId = ready.status!.flow!.id;
    await control('runs', {
      flowId,
      outcomes: [
        {
          status: 'failed',
          inputRecordCount: 40,
          failedRecordCount: 40,
          errors: [{ code: 'CONNECTOR-1001-500', message: 'Error in copying the data from Source.' }],
        },
        { status: 'success', inputRecordCount: 50, outputRecordCount: 45, failedRecordCount: 5 },
      ],
      default: { status: 'success', inputRecordCount: 10, outputRecordCount: 10, failedRecordCount: 0 },
    });

    await advanceTo(t0 + MIN + 1_000);
    const failed = await waitFor2('a failed lastRun', async () => {
      const obj = await dataflow(ns, NAME);
      return obj?.status?.lastRun?.status === 'failed' ? obj : undefined;
    });
    expect(failed.status!.lastRun).toMatchObject({ recordsRead: 40, recordsWritten: 0, recordsFailed: 40 });
    expect(condition(failed, 'Healthy')).toMatchObject({
      status: 'False',
      reason: 'RunFailed',
      message: expect.stringContaining('CONNECTOR-1001-500: Error in copying the data from Source.'),
    });
    let m = samples(await scrape(c));
    expect(m.get(`mixpanel_dataflow_runs_total{${L()},status="failed"}`)).toBe(1);
    expect(m.get(`mixpanel_dataflow_last_run_status{${L()},status="failed"}`)).toBe(1);
    expect(m.get(`mixpanel_dataflow_status_condition{${L()},type="Healthy",status="False"}`)).toBe(1);
    expect(m.get(`mixpanel_dataflow_info{${L()},sandbox="prod",flow_id="${flowId}"}`)).toBe(1);

    await advanceTo(t0 + 16 * MIN + 1_000);
    const ok = await waitFor2('Healthy=True', async () => {
      const obj = await dataflow(ns, NAME);
      return condition(obj, 'Healthy')?.status === 'True' ? obj : undefined;
    });
    expect(ok.status!.lastRun).toMatchObject({
      status: 'success',
      recordsRead: 50,
      recordsWritten: 45,
      recordsFailed: 5,
    });
    // Several resyncs later, each run is still counted once.
    const reconciles = c.logs.filter((l) => l.msg === 'reconciled').length;
    await waitFor2(
      'three more reconciles',
      async () => c.logs.filter((l) => l.msg === 'reconciled').length >= reconciles + 3,
    );
    const text = await scrape(c);
    m = samples(text);
    expect(m.get(`mixpanel_dataflow_runs_total{${L()},status="failed"}`)).toBe(1);
    expect(m.get(`mixpanel_dataflow_runs_total{${L()},status="success"}`)).toBe(1);
    expect(m.get(`mixpanel_dataflow_run_records_total{${L()},outcome="read"}`)).toBe(90);
    expect(m.get(`mixpanel_dataflow_run_records_total{${L()},outcome="written"}`)).toBe(45);
    expect(m.get(`mixpanel_dataflow_run_records_total{${L()},outcome="failed"}`)).toBe(45);
    expect(m.get(`mixpanel_dataflow_last_successful_run_timestamp_seconds{${L()}}`)).toBe(
      (t0 + 16 * MIN) / 1000,
    );
    expect(m.get(`mixpanel_dataflow_last_run_duration_seconds{${L()}}`)).toBe(60);
    expect(
      m.get('flowservice_requests_total{operation="runs.list",method="GET",code="200"}'),
    ).toBeGreaterThan(3);
    expect(m.get('flowservice_token_refreshes_total{result="success"}')).toBeGreaterThanOrEqual(1);
    expect(
      m.get('controller_runtime_reconcile_total{controller="mixpaneldataflow",result="success"}'),
    ).toBeGreaterThan(3);

    // No secret reaches a label (the Secrets hold the simulator's client secret and this password).
    expect(text).not.toContain(SIMULATOR_DEFAULTS.clientSecret);
    expect(text).not.toContain('mp-password-do-not-leak-1');
    const lint = await promtool(['check', 'metrics'], withoutExemptFamilies(text));
    expect({ code: lint.code, output: lint.stdout + lint.stderr }).toEqual({ code: 0, output: '' });
  }, 120_000);

  it('does not count runs again after a restart, and counts the next run once', async () => {
    await killAll(controllers.splice(0));
    const c = start();
    await waitFor2('the restarted controller polled', async () => {
      const m = samples(await scrape(c));
      return m.get(`mixpanel_dataflow_runs_total{${L()},status="success"}`) === 0 ? m : undefined;
    });
    const reconciles = c.logs.filter((l) => l.msg === 'reconciled').length;
    await waitFor2(
      'three more reconciles',
      async () => c.logs.filter((l) => l.msg === 'reconciled').length >= reconciles + 3,
    );
    let m = samples(await scrape(c));
    expect(m.get(`mixpanel_dataflow_runs_total{${L()},status="success"}`)).toBe(0);
    expect(m.get(`mixpanel_dataflow_runs_total{${L()},status="failed"}`)).toBe(0);
    // It still knows when the last success was (read back once from Adobe).
    expect(m.get(`mixpanel_dataflow_last_successful_run_timestamp_seconds{${L()}}`)).toBe(
      (t0 + 16 * MIN) / 1000,
    );

    await advanceTo(t0 + 31 * MIN + 1_000);
    m = await waitFor2('the next run counted', async () => {
      const s = samples(await scrape(c));
      return s.get(`mixpanel_dataflow_runs_total{${L()},status="success"}`) === 1 ? s : undefined;
    });
    expect(m.get(`mixpanel_dataflow_run_records_total{${L()},outcome="read"}`)).toBe(10);
    expect((await dataflow(ns, NAME))?.status?.lastRun?.startedAt).toBe(
      new Date(t0 + 30 * MIN).toISOString(),
    );
  }, 120_000);

  it('drops every series of a deleted dataflow', async () => {
    const c = controllers.at(-1)!;
    await kubectlOk(['delete', 'mpdf', NAME, '-n', ns, '--wait=false']);
    await waitFor2('the dataflow gone', async () => (await dataflow(ns, NAME)) === undefined);
    await waitFor2('no series left', async () => !(await scrape(c)).includes(`name="${NAME}"`));
  }, 120_000);

  it('drops the series of a dataflow whose finalizer someone removed by hand', async () => {
    const c = controllers.at(-1)!;
    const forced = 'forced';
    await apply(JSON.stringify(dataflowManifest(ns, forced, await seedDataset(sim.url))));
    await waitFor2('its series', async () =>
      (await scrape(c)).includes(`mixpanel_dataflow_info{namespace="${ns}",name="${forced}"`),
    );
    // Paused, the controller holds the finalizer on delete; a person then strips it.
    await kubectlOk(['annotate', 'mpdf', forced, '-n', ns, 'aepflows.io/paused=true']);
    await kubectlOk(['delete', 'mpdf', forced, '-n', ns, '--wait=false']);
    await waitFor2('deletion pending', async () => (await dataflow(ns, forced))?.metadata?.deletionTimestamp);
    await kubectlOk([
      'patch',
      'mpdf',
      forced,
      '-n',
      ns,
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]);
    await waitFor2('the dataflow gone', async () => (await dataflow(ns, forced)) === undefined);
    await waitFor2('no series left', async () => !(await scrape(c)).includes(`name="${forced}"`));
  }, 120_000);
});
