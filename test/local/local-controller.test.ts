/**
 * The local controller in-process: engine failures reach the runtime as in the cluster (error
 * metrics, the failure count the engine's backoff grows with), and the dataflow metrics are the
 * cluster controller's.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createAdobeConnector, type AdobeConnectorHandle } from '../../controller/adobe/index.js';
import { LocalController } from '../../controller/local/local-controller.js';
import { readManifestDir } from '../../controller/offline/manifests.js';
import { LocalState } from '../../controller/offline/state.js';
import { PlainView } from '../../controller/local/view.js';
import { createMetrics } from '../../controller/metrics/metrics.js';
import { createMonitoringMetrics } from '../../controller/metrics/monitoring.js';
import { nopLogger } from '../../controller/reconcile/index.js';
import { readFixtures } from '../../simulator/fixtures.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { copyExamples, eventually, metricValue } from './harness.js';

describe('the local controller', () => {
  let sim: RunningSimulator;
  let dir: string;
  let connector: AdobeConnectorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, fixtures: readFixtures('examples/simulator/fixtures.json') });
    dir = await copyExamples();
    const settings = { platformUrl: sim.url, imsUrl: sim.url };
    connector = createAdobeConnector(settings);
  });
  afterAll(async () => {
    await connector.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts a dataflow whose Secret is missing as a reconcile error, as the cluster controller does', async () => {
    await rm(join(dir, '01-secrets.yaml'));
    const lines: string[] = [];
    const metrics = createMetrics({
      controller: 'mixpaneldataflow',
      maxConcurrentReconciles: 2,
      leaseName: 'l',
    });
    const monitoring = createMonitoringMetrics();
    monitoring.register(metrics.registry);
    const controller = new LocalController({
      state: new LocalState(undefined),
      connect: connector.connect,
      metrics,
      dataflows: monitoring.dataflows,
      view: new PlainView((l) => lines.push(l)),
      log: { ...nopLogger, error: () => undefined },
      clock: () => new Date(),
      concurrency: 2,
      syncPeriodMs: 60_000,
    });
    controller.start();
    try {
      await controller.apply(await readManifestDir(dir));
      const text = await eventually(
        () => metrics.registry.metrics(),
        (t) => metricValue(t, 'controller_runtime_reconcile_errors_total') >= 4,
      );
      // Four dataflows, each failing once (the next try waits the engine's missing-Secret delay).
      expect(metricValue(text, 'controller_runtime_reconcile_errors_total')).toBe(4);
      expect(metricValue(text, 'controller_runtime_reconcile_total', { result: 'error' })).toBe(4);
      expect(
        metricValue(text, 'mixpanel_dataflow_status_condition_reason', {
          name: 'purchases',
          type: 'Synced',
          reason: 'SecretNotFound',
        }),
      ).toBe(1);
      expect(lines).toContainEqual(
        expect.stringMatching(/^analytics\/purchases Ready=- Synced=False .*SecretNotFound/),
      );
    } finally {
      await controller.stop(5_000);
    }
  });
});
