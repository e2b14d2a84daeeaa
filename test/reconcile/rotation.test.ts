/**
 * Credential rotation where Adobe refuses connection PATCH (`1445-400 PATCH Connection Feature not
 * enabled`, told to the simulator per org): the controller replaces the base connection, then the
 * source and the flow on it, and deletes the old ones only after the new flow exists. At no moment
 * is the dataflow without an enabled flow, and the new flow starts where the old one's last run
 * started, so no window of Mixpanel data is skipped or read twice.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_REASONS } from '../../controller/reconcile/index.js';
import type { AdobePort } from '../../controller/reconcile/ports.js';
import { SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import {
  chainOf,
  Driver,
  Env,
  isReady,
  isSynced,
  leakedSecrets,
  makeSecrets,
  makeSpec,
  SECRET_VALUES,
} from './harness.js';

const MIN = 60_000;

describe('rotating Mixpanel credentials when Adobe refuses connection PATCH (1445)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await Env.start();
    await env.settings({ connectionPatchRefusedOrgs: [SIMULATOR_DEFAULTS.orgId] });
  });
  afterAll(async () => env.close());

  it('replaces base, source and flow with no gap in ingestion, then deletes the old ones', async () => {
    const start = new Date(env.now().getTime() - 60 * MIN).toISOString();
    const d = new Driver(
      env,
      makeSpec(env, { schedule: { frequency: 'minute', interval: 15, startTime: start } }),
    );
    const before = (await d.converge()).status;
    await env.advance(31 * MIN); // a few runs, so the old flow has a last run
    await d.converge();
    const lastRunStart = d.obj.status?.lastRun?.startedAt;
    expect(lastRunStart).toBeDefined();

    // After every single Adobe call of the rotation, some flow of this dataflow is enabled.
    const gaps: string[] = [];
    const enabledFlows = async () =>
      (await env.inventory('flows'))
        .filter((f) => f.name === d.obj.spec.displayName || f.name === `analytics/${d.obj.name}`)
        .filter((f) => f.state === 'enabled').length;
    d.wrapPort = (port: AdobePort): AdobePort =>
      new Proxy(port, {
        get: (target, prop) => {
          const fn = target[prop as keyof AdobePort] as (...a: unknown[]) => Promise<unknown>;
          return async (...args: unknown[]) => {
            try {
              return await fn.apply(target, args);
            } finally {
              if ((await enabledFlows()) === 0) gaps.push(String(prop));
            }
          };
        },
      });
    d.secrets = makeSecrets({ mixpanelPassword: SECRET_VALUES.mixpanelPasswordRotated });
    const first = await d.reconcile();
    expect(first.events.map((e) => e.reason)).toContain(EVENT_REASONS.CredentialsRotated);
    const after = (await d.converge()).status;
    expect(gaps).toEqual([]);
    expect(isReady(d.results.at(-1)!) && isSynced(d.results.at(-1)!)).toBe(true);

    // A new chain on a new base connection with the new credentials …
    expect(after.baseConnection?.id).not.toBe(before.baseConnection?.id);
    expect(after.sourceConnection?.id).not.toBe(before.sourceConnection?.id);
    expect(after.flow?.id).not.toBe(before.flow?.id);
    expect(after.targetConnection?.id).toBe(before.targetConnection?.id);
    expect(after.mappingSet?.id).toBe(before.mappingSet?.id);
    const stored = await env.control('GET', `resources/${after.baseConnection?.id}`);
    const expected = createHash('sha256')
      .update(JSON.stringify({ username: 'svc.mixpanel', password: SECRET_VALUES.mixpanelPasswordRotated }))
      .digest('hex');
    expect(stored.body.authParamsSha256).toBe(expected);
    expect(after.appliedSourceCredentialsHash).not.toBe(before.appliedSourceCredentialsHash);
    const chain = await chainOf(env, after);
    expect(chain.source?.doc.baseConnectionId).toBe(after.baseConnection?.id);
    // … whose flow starts where the old one's last run started: no window skipped or read twice.
    expect(Number(chain.flow?.doc.scheduleParams.startTime)).toBe(
      Math.floor(Date.parse(lastRunStart!) / 1000),
    );
    expect(after.pendingDeletions).toBeUndefined();

    // … and the old chain is gone.
    await env.settle();
    const left = new Set((await env.inventory()).map((r) => r.id));
    for (const id of [before.baseConnection?.id, before.sourceConnection?.id, before.flow?.id])
      expect(left.has(id!)).toBe(false);
    // PATCH was tried once and refused; nothing retried it.
    const patches = (await env.recorded()).filter(
      (r) => r.method === 'PATCH' && r.path.includes('/connections/') && r.status === 400,
    );
    expect(patches).toHaveLength(1);
  });

  it('leaks no secret', () => {
    expect(leakedSecrets()).toEqual([]);
  });
});
