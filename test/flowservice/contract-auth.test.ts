import { describe, expect, it } from '@jest/globals';
import { SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import type { FlowServiceClient, TokenRefreshEvent } from '../../controller/flowservice/index.js';
import { clientFor, SPECS, useHarness } from './sim-harness.js';

const env = useHarness();
const track = env.track;

const getSpec = (c: FlowServiceClient) => c.connectionSpecs.get(SPECS.mixpanelSource);

describe('IMS token provider', () => {
  it('serves 100 concurrent calls with a single token request', async () => {
    const { client } = track(clientFor(env.h));
    await Promise.all(Array.from({ length: 100 }, () => getSpec(client)));
    const { tokenRequests, counts } = await env.h.requestCounts();
    expect(tokenRequests).toBe(1);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(100);
  });

  it('reuses the cached token for later calls', async () => {
    const { client } = track(clientFor(env.h));
    for (let i = 0; i < 10; i++) await getSpec(client);
    expect((await env.h.requestCounts()).tokenRequests).toBe(1);
  });

  it('fetches a new token shortly before expires_in runs out, without a 401', async () => {
    await env.h.control('POST', 'config', { tokenLifetimeSeconds: 600 });
    let offsetMs = 0;
    const refreshes: TokenRefreshEvent[] = [];
    const { client, events } = track(
      clientFor(
        env.h,
        {},
        {
          now: () => Date.now() + offsetMs,
          observer: { onRequest: () => {}, onThrottled: () => {}, onTokenRefresh: (e) => refreshes.push(e) },
        },
      ),
    );
    await getSpec(client);
    offsetMs = 545_000; // inside the last 10% of the lifetime: refresh ahead of expiry
    await getSpec(client);
    expect((await env.h.requestCounts()).tokenRequests).toBe(2);
    expect(refreshes.map((r) => r.result)).toEqual(['success', 'success']);
    expect(events.filter((e) => e.status === 401)).toEqual([]);
  });

  it('refreshes once and succeeds when the platform says the token expired', async () => {
    await env.h.control('POST', 'config', { tokenLifetimeSeconds: 600 });
    const { client, events } = track(clientFor(env.h));
    await getSpec(client);
    await env.h.control('POST', 'clock', { advanceSeconds: 601 }); // expired for Adobe, not yet for the client
    await expect(getSpec(client)).resolves.toMatchObject({ id: SPECS.mixpanelSource });
    expect((await env.h.requestCounts()).tokenRequests).toBe(2);
    expect(events.filter((e) => e.status === 401)).toHaveLength(1);
  });

  it('shares one refresh between concurrent calls that all got a 401', async () => {
    const { client } = track(clientFor(env.h));
    await getSpec(client);
    await env.h.control('POST', 'tokens/revoke');
    await Promise.all(Array.from({ length: 20 }, () => getSpec(client)));
    expect((await env.h.requestCounts()).tokenRequests).toBe(2);
  });

  it('surfaces a credentials error when the platform still answers 401 after one refresh', async () => {
    const { client, events } = track(clientFor(env.h));
    await env.h.faults([{ path: '^/data/', status: 401 }]);
    const err = await getSpec(client).catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'unauthorized',
      code: 'FLOWSERVICE_UNAUTHORIZED',
      status: 401,
      adobeCode: '401013',
      retryable: false,
    });
    expect((await env.h.requestCounts()).tokenRequests).toBe(2);
    expect(events.filter((e) => e.status === 401)).toHaveLength(2);
  });

  it('reports credentials IMS rejects as unauthorized, without retrying and without the secret', async () => {
    const secret = 'wrong-secret-value-123';
    const { client } = track(
      clientFor(env.h, { credentials: { ...SIMULATOR_DEFAULTS, clientSecret: secret } }),
    );
    const err = await getSpec(client).catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'unauthorized',
      status: 401,
      adobeCode: 'invalid_client',
      operation: 'ims.token',
    });
    expect(String(err)).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(secret);
    expect((await env.h.requestCounts()).tokenRequests).toBe(1);
  });

  it('retries the token request when IMS fails with a 5xx', async () => {
    await env.h.faults([{ path: '^/ims/', status: 503, times: 2 }]);
    const { client, events } = track(clientFor(env.h));
    await expect(getSpec(client)).resolves.toMatchObject({ id: SPECS.mixpanelSource });
    expect(events.filter((e) => e.operation === 'ims.token').map((e) => e.status)).toEqual([503, 503, 200]);
  });
});

describe('gateway checks', () => {
  it('reports an org the credentials are not entitled to as forbidden, without retrying', async () => {
    const { client, events } = track(
      clientFor(env.h, { credentials: { ...SIMULATOR_DEFAULTS, orgId: 'NOTMINE000000000000000@AdobeOrg' } }),
    );
    await expect(getSpec(client)).rejects.toMatchObject({
      kind: 'forbidden',
      status: 403,
      adobeCode: '403025',
      retryable: false,
    });
    expect(events.filter((e) => e.operation === 'connectionSpecs.get')).toHaveLength(1);
  });

  it('reports an unknown sandbox as not found', async () => {
    const { client } = track(clientFor(env.h, { sandbox: 'does-not-exist-' + 'x'.repeat(70) }));
    await expect(getSpec(client)).rejects.toMatchObject({ kind: 'not-found', status: 404 });
  });
});

describe('credential rotation', () => {
  it('uses a new token after the credentials change, never the old one', async () => {
    const rotated = {
      clientId: 'rotated-client',
      clientSecret: 'rotated-secret',
      orgId: SIMULATOR_DEFAULTS.orgId,
    };
    await env.h.control('POST', 'credentials', rotated);
    const { client } = track(clientFor(env.h));
    await getSpec(client);
    client.updateCredentials(rotated);
    // The gateway checks that x-api-key matches the token's client: an old token would be refused (403).
    await expect(getSpec(client)).resolves.toMatchObject({ id: SPECS.mixpanelSource });
    expect((await env.h.requestCounts()).tokenRequests).toBe(2);
  });

  it('fails with the new credentials when they are wrong, even though the old token is still valid', async () => {
    const { client } = track(clientFor(env.h));
    await getSpec(client);
    client.updateCredentials({ ...SIMULATOR_DEFAULTS, clientSecret: 'not-the-secret' });
    await expect(getSpec(client)).rejects.toMatchObject({ kind: 'unauthorized', operation: 'ims.token' });
  });
});
