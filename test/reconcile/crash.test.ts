/**
 * Crash safety: the engine is stopped after every single Flow Service call of a create and of a
 * replace (the call reaches Adobe, its answer is lost, and every later call fails as in a dead
 * process). Status survives only through the progress callback, as the runtime persists it. A
 * restarted engine must leave exactly one of each link per CR and no orphans.
 */
import { describe, expect, it } from '@jest/globals';
import type { AdobePort } from '../../controller/reconcile/ports.js';
import type { DataflowStatus } from '../../controller/reconcile/types.js';
import type { Env } from './harness.js';
import { Driver, type SimResource, describeSecretHygiene, useEnv } from './harness.js';

class Crash extends Error {
  override readonly name = 'Crash';
}

/** Wraps a port: call number `n` is made, then the process "dies". */
class CrashAfter {
  calls = 0;
  crashed = false;
  /** Calls whose answers were lost (in flight when the crash hit). */
  lost: string[] = [];
  private inFlight = new Set<string>();

  constructor(readonly n: number) {}

  wrap(port: AdobePort): AdobePort {
    return new Proxy(port, {
      get: (target, prop) => {
        const fn = target[prop as keyof AdobePort] as (...args: unknown[]) => Promise<unknown>;
        return async (...args: unknown[]) => {
          if (this.crashed) throw new Crash('process is dead');
          const tag = `${String(prop)}#${++this.calls}`;
          const mine = this.calls;
          this.inFlight.add(tag);
          try {
            // Whatever Adobe answered (a result or a refusal), the answer of call n is lost.
            const out = await fn.apply(target, args).finally(() => {
              if (mine === this.n) {
                this.crashed = true;
                this.lost = [...this.inFlight];
              }
            });
            if (this.crashed) throw new Crash(`crashed after call ${this.n}`);
            return out;
          } catch (err) {
            if (this.crashed) throw new Crash(`crashed after call ${this.n}`);
            throw err;
          } finally {
            this.inFlight.delete(tag);
          }
        };
      },
    });
  }
}

/** Runs one reconcile that crashes after call `n`; returns the status persisted through progress. */
async function crashingReconcile(
  d: Driver,
  n: number,
  crash = new CrashAfter(n),
): Promise<CrashAfter & { deletionComplete?: boolean }> {
  let persisted: DataflowStatus = structuredClone(d.obj.status ?? {});
  const res = await d.reconcile({
    connect: (c) => crash.wrap(d.env.connector.connect(c)),
    writeStatus: async (status) => {
      if (!crash.crashed) persisted = structuredClone(status);
    },
  });
  d.obj = { ...d.obj, status: persisted };
  return Object.assign(crash, { deletionComplete: !crash.crashed && res.deletionComplete });
}

async function linksOf(
  env: Env,
  d: Driver,
): Promise<Record<'base' | 'source' | 'target' | 'flow', SimResource[]>> {
  const all = await env.inventory();
  const named = (kind: string) => all.filter((r) => r.kind === kind && String(r.name).includes(d.obj.uid));
  return {
    base: named('connections'),
    source: named('sourceConnections'),
    target: named('targetConnections'),
    flow: all.filter((r) => r.kind === 'flows' && r.name === `analytics/${d.obj.name}`),
  };
}

async function countCalls(
  env: Env,
  run: (d: Driver) => Promise<void>,
  prepare: (d: Driver) => Promise<void>,
): Promise<number> {
  const d = new Driver(env);
  await prepare(d);
  const counter = new CrashAfter(Number.POSITIVE_INFINITY);
  d.wrapPort = (p) => counter.wrap(p);
  await run(d);
  return counter.calls;
}

describe('crash safety', () => {
  const env = useEnv();

  it('leaves exactly one of each link after a crash after any call of a create', async () => {
    const total = await countCalls(
      env,
      async (d) => void (await d.reconcile()),
      async () => undefined,
    );
    expect(total).toBeGreaterThanOrEqual(8);
    for (let n = 1; n <= total; n++) {
      const d = new Driver(env);
      const mappingsBefore = (await env.inventory('mappingSets')).length;
      const crash = await crashingReconcile(d, n);
      expect(crash.crashed).toBe(true);
      const res = await d.converge(8);
      await env.settle();
      const links = await linksOf(env, d);
      const summary = {
        n,
        lost: crash.lost,
        counts: Object.fromEntries(Object.entries(links).map(([k, v]) => [k, v.length])),
      };
      expect(summary.counts).toEqual({ base: 1, source: 1, target: 1, flow: 1 });
      expect(links.flow[0]?.doc.sourceConnectionIds).toEqual([res.status.sourceConnection?.id]);
      // Mapping sets cannot be deleted; one whose create answer was lost is found by name and adopted.
      expect({ n, mappingSets: (await env.inventory('mappingSets')).length - mappingsBefore }).toEqual({
        n,
        mappingSets: 1,
      });
    }
  });

  it('leaves exactly one of each link after a crash after any call of a replace', async () => {
    const prepare = async (d: Driver) => {
      await d.converge();
    };
    let project = 500_000;
    const change = (d: Driver) =>
      d.setSpec((s) => ({ ...s, source: { ...s.source, projectId: String(++project) } }));
    const total = await countCalls(
      env,
      async (d) => {
        change(d);
        await d.reconcile();
      },
      prepare,
    );
    expect(total).toBeGreaterThanOrEqual(12);
    for (let n = 1; n <= total; n++) {
      const d = new Driver(env);
      const before = (await d.converge()).status;
      change(d);
      const crash = await crashingReconcile(d, n);
      expect({ n, crashed: crash.crashed }).toEqual({ n, crashed: true });
      const res = await d.converge(8);
      await env.settle();
      const links = await linksOf(env, d);
      expect({ n, counts: Object.fromEntries(Object.entries(links).map(([k, v]) => [k, v.length])) }).toEqual(
        {
          n,
          counts: { base: 1, source: 1, target: 1, flow: 1 },
        },
      );
      expect(links.source[0]?.id).not.toBe(before.sourceConnection?.id);
      expect(links.source[0]?.doc.params.projectId).toBe(String(project));
      expect(links.flow[0]?.id).toBe(res.status.flow?.id);
      expect(res.status.pendingDeletions).toBeUndefined();
    }
  });
});

describe('crash safety of deletion', () => {
  const env = useEnv();

  it('leaves nothing behind when a CR is deleted after a crash at any call of its create', async () => {
    const total = await countCalls(
      env,
      async (d) => void (await d.reconcile()),
      async () => undefined,
    );
    for (let n = 1; n <= total; n++) {
      const d = new Driver(env);
      await crashingReconcile(d, n);
      d.obj = { ...d.obj, deletionTimestamp: '2026-11-29T04:00:00Z' };
      const res = await d.deleteFully();
      expect({ n, complete: res.deletionComplete }).toEqual({ n, complete: true });
      await env.settle();
      const links = await linksOf(env, d);
      expect({ n, counts: Object.fromEntries(Object.entries(links).map(([k, v]) => [k, v.length])) }).toEqual(
        {
          n,
          counts: { base: 0, source: 0, target: 0, flow: 0 },
        },
      );
    }
  });

  it('finishes a deletion that crashed after any of its calls', async () => {
    // A deletion spans reconciles (the deleted flow finalizes before its connections may go):
    // call n is counted across them, simulated time moving on between reconciles.
    for (let n = 1; n <= 7; n++) {
      const d = new Driver(env);
      await d.converge();
      await env.settle();
      d.obj = { ...d.obj, deletionTimestamp: '2026-11-29T04:00:00Z' };
      const crash = new CrashAfter(n);
      for (let i = 0; i < 6 && !crash.crashed; i++) {
        const r = await crashingReconcile(d, n, crash);
        if (r.deletionComplete) break;
        await env.settle();
      }
      if (!crash.crashed) break; // n is past the last call of a whole deletion
      const res = await d.deleteFully();
      expect(res.deletionComplete).toBe(true);
      await env.settle();
      const links = await linksOf(env, d);
      expect(Object.values(links).flat()).toEqual([]);
    }
  });
});

describeSecretHygiene();
