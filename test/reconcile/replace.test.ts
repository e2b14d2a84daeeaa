import { describe, expect, it } from '@jest/globals';
import { EVENT_REASONS } from '../../controller/reconcile/index.js';
import type { AdobePort } from '../../controller/reconcile/ports.js';
import {
  chainOf,
  Driver,
  isReady,
  isSynced,
  type SimResource,
  describeSecretHygiene,
  useEnv,
} from './harness.js';

describe('replacing what Adobe does not update in place', () => {
  const env = useEnv();

  const cases: Array<{
    reason: string;
    change: (d: Driver, other: { schemaId: string; datasetId: string }) => void;
  }> = [
    {
      reason: 'projectId changed',
      change: (d) => d.setSpec((s) => ({ ...s, source: { ...s.source, projectId: '999001' } })),
    },
    {
      reason: 'timezone changed',
      change: (d) =>
        d.setSpec((s) => ({ ...s, source: { ...s.source, timezone: 'Central Europe Standard Time' } })),
    },
    {
      reason: 'datasetId and schemaId changed',
      change: (d, o) =>
        d.setSpec((s) => ({ ...s, target: { datasetId: o.datasetId, schemaId: o.schemaId } })),
    },
  ];

  it.each(cases)(
    'creates a new source/target pair and flow, then deletes the old ones ($reason)',
    async ({ change }) => {
      const other = await env.makeSchemaAndDataset();
      const d = new Driver(env);
      const before = (await d.converge()).status;
      change(d, other);
      const res = await d.reconcile();
      // The new chain runs at once; the old flow is delete-finalizing and still holds the old
      // connections, so their deletes wait (pending, looked at again shortly), never fail.
      expect(isReady(res) && isSynced(res)).toBe(true);
      expect(res.action.requeueAfterMs).not.toBeNull();
      const ids = (s: typeof before) => [s.sourceConnection?.id, s.targetConnection?.id, s.flow?.id];
      for (const [i, id] of ids(res.status).entries()) expect(id).not.toBe(ids(before)[i]);
      expect(res.status.baseConnection?.id).toBe(before.baseConnection?.id);
      expect(res.status.mappingSet?.id).toBe(before.mappingSet?.id);
      expect(res.status.pendingDeletions?.map((p) => p.id).sort()).toEqual(
        [before.sourceConnection?.id, before.targetConnection?.id].sort(),
      );
      const done = await d.converge();
      expect(done.status.pendingDeletions).toBeUndefined();
      await env.settle();
      const all = await env.inventory();
      for (const old of ids(before)) expect(all.find((r) => r.id === old)).toBeUndefined();
      const chain = await chainOf(env, res.status);
      expect(chain.flow?.doc.sourceConnectionIds).toEqual([res.status.sourceConnection?.id]);
      expect(res.events.filter((e) => e.reason === EVENT_REASONS.Replaced).length).toBeGreaterThanOrEqual(3);
    },
  );

  it('never deletes the old chain before the new flow exists', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    const timeline: string[] = [];
    let newFlowSeenBeforeFirstDelete: boolean | undefined;
    d.wrapPort = (port: AdobePort): AdobePort => ({
      ...port,
      createFlow: async (input) => {
        const w = await port.createFlow(input);
        timeline.push(`create flow ${w.id}`);
        return w;
      },
      deleteFlow: async (id) => {
        if (newFlowSeenBeforeFirstDelete === undefined)
          newFlowSeenBeforeFirstDelete = timeline.some((t) => t.startsWith('create flow'));
        timeline.push(`delete flow ${id}`);
        return port.deleteFlow(id);
      },
      deleteConnection: async (kind, id) => {
        if (newFlowSeenBeforeFirstDelete === undefined) newFlowSeenBeforeFirstDelete = false;
        timeline.push(`delete ${kind} ${id}`);
        return port.deleteConnection(kind, id);
      },
    });
    d.setSpec((s) => ({ ...s, source: { ...s.source, projectId: '777777' } }));
    await d.converge();
    expect(newFlowSeenBeforeFirstDelete).toBe(true);
    expect(timeline.indexOf(`delete flow ${before.flow?.id}`)).toBeGreaterThan(0);
    expect(timeline.indexOf(`delete sourceConnection ${before.sourceConnection?.id}`)).toBeGreaterThan(
      timeline.indexOf(`delete flow ${before.flow?.id}`),
    );
  });

  it('starts the flow for a new dataset at the spec start even when the first try stopped before the flow', async () => {
    // A day in the past, on the hour: a flow that continued the old one would start now instead.
    const start = new Date(Math.floor((Date.now() - 86_400_000) / 3_600_000) * 3_600_000);
    const d = new Driver(env);
    d.setSpec((s) => ({ ...s, schedule: { ...s.schedule, startTime: start.toISOString() } }));
    const before = (await d.converge()).status;
    // The new pair is created, then the flow create fails: status already names the new pair.
    await env.faults([{ method: 'POST', path: '/flowservice/flows$', status: 500, times: 1 }]);
    const other = await env.makeSchemaAndDataset();
    d.setSpec((s) => ({ ...s, target: { datasetId: other.datasetId, schemaId: other.schemaId } }));
    const failed = await d.reconcile();
    expect(failed.status.targetConnection?.id).not.toBe(before.targetConnection?.id);
    await env.clearFaults();
    const done = await d.converge();
    const flow = (await env.inventory('flows')).find((r: SimResource) => r.id === done.status.flow?.id);
    expect(Number(flow?.doc.scheduleParams.startTime)).toBe(start.getTime() / 1000);
  });

  it('keeps the old chain running when the new pair cannot be created, and finishes later', async () => {
    const d = new Driver(env);
    const before = (await d.converge()).status;
    await env.faults([{ method: 'POST', path: '/targetConnections$', status: 500, times: 1 }]);
    const other = await env.makeSchemaAndDataset();
    d.setSpec((s) => ({ ...s, target: { datasetId: other.datasetId, schemaId: other.schemaId } }));
    const failed = await d.reconcile();
    expect(isSynced(failed)).toBe(false);
    const oldFlow = (await env.inventory('flows')).find((r: SimResource) => r.id === before.flow?.id);
    expect(oldFlow?.state).toBe('enabled');
    expect(failed.status.flow?.id).toBe(before.flow?.id);
    await env.clearFaults();
    const done = await d.converge();
    expect(done.status.flow?.id).not.toBe(before.flow?.id);
    await env.settle();
    expect((await env.inventory('flows')).find((r) => r.id === before.flow?.id)).toBeUndefined();
    expect(done.status.pendingDeletions).toBeUndefined();
  });
});

describeSecretHygiene();
