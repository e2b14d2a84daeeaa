import { describe, expect, it } from '@jest/globals';
import { ADOBE_IDS } from '../../controller/adobe/index.js';
import { CONDITION_REASONS, EVENT_REASONS } from '../../controller/reconcile/index.js';
import type { AdobePort } from '../../controller/reconcile/ports.js';
import type { DataflowStatus } from '../../controller/reconcile/types.js';
import { chainOf, condition, Driver, describeSecretHygiene, useEnv } from './harness.js';

describe('creating the chain from an empty status', () => {
  const env = useEnv();

  it('creates base, source, target, mapping set and flow and reports Ready', async () => {
    const d = new Driver(env);
    const res = await d.reconcile();
    expect(condition(res, 'Synced')).toMatchObject({
      status: 'True',
      reason: CONDITION_REASONS.ReconcileSuccess,
      observedGeneration: 1,
    });
    expect(condition(res, 'Ready')).toMatchObject({ status: 'True', reason: CONDITION_REASONS.Available });
    expect(res.status.observedGeneration).toBe(1);
    const chain = await chainOf(env, res.status);
    expect(chain.base?.doc.connectionSpec.id).toBe(ADOBE_IDS.mixpanelConnectionSpec);
    expect(chain.base?.doc.auth.specName).toBe('Basic Authentication');
    expect(chain.source?.doc).toMatchObject({
      baseConnectionId: chain.base?.id,
      data: { format: 'json' },
      params: { projectId: '2384945', timezone: 'Pacific Standard Time' },
    });
    expect(chain.target?.doc).toMatchObject({
      connectionSpec: { id: ADOBE_IDS.dataLakeConnectionSpec },
      data: { format: 'parquet_xdm', schema: { id: env.schemaId } },
      params: { dataSetId: env.datasetId },
    });
    expect(
      chain.mapping?.doc.mappings.map((m: { sourceType: string; source: string }) => [
        m.sourceType,
        m.source,
      ]),
    ).toEqual([
      ['text/x.schema-path', 'distinct_id'],
      ['text/x.aep-xl', 'lower(event)'],
    ]);
    expect(chain.flow?.doc).toMatchObject({
      flowSpec: { id: ADOBE_IDS.restStorageToAepFlowSpec },
      sourceConnectionIds: [chain.source?.id],
      targetConnectionIds: [chain.target?.id],
      state: 'enabled',
      name: 'analytics/' + d.obj.name,
    });
    expect(res.events.filter((e) => e.reason === EVENT_REASONS.Created)).toHaveLength(5);
  });
});

describe('acting along the dependency graph', () => {
  const env = useEnv();

  it('creates the target connection and mapping set while base → source is in progress', async () => {
    const d = new Driver(env);
    const timeline: string[] = [];
    d.wrapPort = (port: AdobePort): AdobePort =>
      new Proxy(port, {
        get: (target, prop) => {
          const fn = target[prop as keyof AdobePort] as (...args: unknown[]) => Promise<unknown>;
          return async (...args: unknown[]) => {
            timeline.push(`start ${String(prop)}`);
            try {
              return await fn.apply(target, args);
            } finally {
              timeline.push(`end ${String(prop)}`);
            }
          };
        },
      });
    await env.faults([{ latencyMs: 40 }]);
    await d.reconcile();
    await env.clearFaults();
    const at = (e: string) => timeline.indexOf(e);
    expect(at('start createTargetConnection')).toBeLessThan(at('end createBaseConnection'));
    expect(at('start createMappingSet')).toBeLessThan(at('end createBaseConnection'));
    expect(at('start createSourceConnection')).toBeGreaterThan(at('end explore'));
    expect(at('start createFlow')).toBeGreaterThan(
      Math.max(
        at('end createSourceConnection'),
        at('end createTargetConnection'),
        at('end createMappingSet'),
      ),
    );
  });

  it('writes each new id through the status sink as soon as it exists', async () => {
    const d = new Driver(env);
    const snapshots: DataflowStatus[] = [];
    const res = await d.reconcile({ writeStatus: async (s) => void snapshots.push(structuredClone(s)) });
    const firstWith = (pick: (s: DataflowStatus) => unknown) =>
      snapshots.findIndex((s) => pick(s) !== undefined);
    const flowAt = firstWith((s) => s.flow?.id);
    for (const pick of [
      (s: DataflowStatus) => s.baseConnection?.id,
      (s: DataflowStatus) => s.sourceConnection?.id,
      (s: DataflowStatus) => s.targetConnection?.id,
      (s: DataflowStatus) => s.mappingSet?.id,
    ]) {
      expect(firstWith(pick)).toBeGreaterThanOrEqual(0);
      expect(firstWith(pick)).toBeLessThan(flowAt);
    }
    expect(snapshots[flowAt]?.flow).toEqual({
      id: res.status.flow?.id,
      etag: expect.any(String),
      state: 'enabled',
    });
  });
});

describeSecretHygiene();
