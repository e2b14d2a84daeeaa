/**
 * Flow Service / Data Prep calls per scenario, counted by the simulator's request counters (IMS
 * and control calls excluded). Printed for the README and pinned so a regression is noticed.
 * Rerun: `npm test -- test/reconcile/costs.test.ts`.
 */
import { describe, expect, it } from '@jest/globals';
import { adobeCalls, Driver, isReady, makeSecrets, SECRET_VALUES, useEnv } from './harness.js';

describe('cost of reconciles in Flow Service calls', () => {
  const env = useEnv();

  it('stays at the measured number of calls per scenario', async () => {
    const d = new Driver(env);
    const measured: Record<string, { reads: number; writes: number; total: number }> = {};
    const measure = async (name: string, step: () => Promise<unknown>) => {
      await env.resetRequests();
      await step();
      measured[name] = adobeCalls(await env.requests());
    };
    await measure('first create', () => d.reconcile());
    expect(isReady(d.results.at(-1)!)).toBe(true);
    await measure('in-sync reconcile', () => d.reconcile());
    d.setSpec((s) => ({ ...s, schedule: { ...s.schedule, interval: 30 } }));
    await measure('schedule change', () => d.reconcile());
    d.secrets = makeSecrets({ mixpanelPassword: SECRET_VALUES.mixpanelPasswordRotated });
    await measure('credential rotation (Mixpanel)', () => d.reconcile());
    d.setSpec((s) => ({ ...s, source: { ...s.source, projectId: '8675309' } }));
    // Until the old pair is deleted: Adobe holds it while the old flow finalizes its deletion.
    await measure('replace (projectId change)', () => d.converge());
    await env.settle();
    d.obj = { ...d.obj, deletionTimestamp: '2026-11-29T04:00:00Z' };
    // Two reconciles: the flow first, its connections once its deletion has finalized.
    await measure('delete', () => d.deleteFully());
    expect(d.results.at(-1)?.deletionComplete).toBe(true);

    console.log(
      'Flow Service calls per reconcile:\n' +
        Object.entries(measured)
          .map(([k, v]) => `  ${k.padEnd(32)} ${v.total} (${v.reads} reads, ${v.writes} writes)`)
          .join('\n'),
    );
    // Every reconcile of an existing flow reads its new runs once (run monitoring, GET /runs).
    // Replace and delete span two reconciles: Adobe refuses (1447) the old connections' deletes
    // while the deleted flow is delete-finalizing; each refused delete counts as a write.
    expect(measured).toEqual({
      'first create': { reads: 4, writes: 5, total: 9 },
      'in-sync reconcile': { reads: 6, writes: 0, total: 6 },
      'schedule change': { reads: 6, writes: 1, total: 7 },
      'credential rotation (Mixpanel)': { reads: 7, writes: 1, total: 8 },
      'replace (projectId change)': { reads: 15, writes: 8, total: 23 },
      delete: { reads: 1, writes: 6, total: 7 },
    });
  });
});
