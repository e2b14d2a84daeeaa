import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { createTestNamespace, kubectl } from '../cluster/test-cluster.js';
import { killAll, startController, type ControllerProcess } from './support/controller-process.js';
import { apply, condition, dataflows } from './support/kube.js';
import { exampleManifests, seedExampleFixtures, simState, type SimResource } from './support/sim.js';

// The examples as a user applies them: four dataflows, two Secrets, in one namespace.
describe('the controller given the examples', () => {
  let sim: RunningSimulator;
  let ns: string;
  let ctl: ControllerProcess;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ns = await createTestNamespace('e2e-examples');
    const ids = await seedExampleFixtures(sim.url);
    ctl = startController({ kubeconfig: process.env.KUBECONFIG!, simUrl: sim.url, namespaces: [ns] });
    await apply(exampleManifests(ns, ids));
  }, 60_000);

  afterAll(async () => {
    if (ctl) await killAll([ctl]);
    await sim?.close();
  });

  it('makes every example Ready, so kubectl wait succeeds', async () => {
    const r = await kubectl(['wait', '--for=condition=Ready', 'mpdf', '--all', '-n', ns, '--timeout=90s']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  }, 120_000);

  it('creates exactly one chain per dataflow in Adobe, with the parameters of its spec', async () => {
    const crs = await dataflows(ns);
    const state = await simState(sim.url);
    const byId = new Map(state.resources.map((r) => [r.id, r]));
    const ofKind = (kind: string) => state.resources.filter((r) => r.kind === kind);
    expect(ofKind('flows')).toHaveLength(crs.length);
    expect(ofKind('connections')).toHaveLength(crs.length);
    expect(ofKind('sourceConnections')).toHaveLength(crs.length);
    expect(ofKind('targetConnections')).toHaveLength(crs.length);
    for (const cr of crs) {
      const st = cr.status!;
      const flow = byId.get(st.flow!.id) as SimResource;
      const source = byId.get(st.sourceConnection!.id) as SimResource;
      const target = byId.get(st.targetConnection!.id) as SimResource;
      expect(flow.sandboxName).toBe(cr.spec.platform.sandbox);
      expect(flow.doc.sourceConnectionIds).toEqual([source.id]);
      expect(flow.doc.targetConnectionIds).toEqual([target.id]);
      expect(source.doc.baseConnectionId).toBe(st.baseConnection!.id);
      expect(source.doc.params).toMatchObject({
        projectId: cr.spec.source.projectId,
        timezone: cr.spec.source.timezone,
      });
      expect(target.doc.params.dataSetId).toBe(cr.spec.target.datasetId);
      expect(flow.doc.scheduleParams.frequency).toBe(cr.spec.schedule.frequency);
      expect(flow.state).toBe(cr.spec.enabled === false ? 'disabled' : 'enabled');
    }
  });

  it('records every id and etag in status', async () => {
    for (const cr of await dataflows(ns)) {
      const st = cr.status!;
      for (const link of [st.baseConnection, st.sourceConnection, st.targetConnection, st.flow]) {
        expect(link?.id).toEqual(expect.any(String));
        expect(link?.etag).toEqual(expect.any(String));
      }
      expect(st.mappingSet).toEqual({ id: expect.any(String), version: expect.any(Number) });
      expect(condition(cr, 'Synced')).toMatchObject({
        status: 'True',
        observedGeneration: cr.metadata.generation,
      });
    }
  });
});
