import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock, SIMULATOR_DEFAULTS } from '../../simulator/index.js';
import { errorType, FS, Harness, raw } from './helpers.js';

describe('IMS token endpoint', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.close());

  it('issues a bearer token whose lifetime is in seconds', async () => {
    const r = await h.token_(SIMULATOR_DEFAULTS.clientId, SIMULATOR_DEFAULTS.clientSecret);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 86399 });
  });

  it('answers wrong credentials with an OAuth-style 401 that does not echo the secret', async () => {
    const r = await h.token_(SIMULATOR_DEFAULTS.clientId, 'not-the-secret');
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
    expect(JSON.stringify(r.body)).not.toContain('not-the-secret');
    const unknownClient = await h.token_('someone-else', SIMULATOR_DEFAULTS.clientSecret);
    expect(unknownClient.status).toBe(401);
  });

  it('answers a missing grant type or scope with a 400', async () => {
    const noGrant = await raw(`${h.url}/ims/token/v3`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `client_id=${SIMULATOR_DEFAULTS.clientId}&client_secret=${SIMULATOR_DEFAULTS.clientSecret}&scope=openid`,
    });
    expect(noGrant.status).toBe(400);
    expect(noGrant.body.error).toBe('unsupported_grant_type');
    const noScope = await h.token_(SIMULATOR_DEFAULTS.clientId, SIMULATOR_DEFAULTS.clientSecret, '');
    expect(noScope.status).toBe(400);
  });

  it('counts token requests', async () => {
    await h.control('DELETE', 'requests');
    await Promise.all(
      [1, 2, 3].map(() => h.token_(SIMULATOR_DEFAULTS.clientId, SIMULATOR_DEFAULTS.clientSecret)),
    );
    const counts = await h.control('GET', 'requests');
    expect(counts.body.tokenRequests).toBe(3);
    expect(counts.body.counts['POST /ims/token/v3']).toBe(3);
  });

  it('expires tokens when the simulated clock passes their lifetime', async () => {
    await h.login();
    expect((await h.call('GET', `${FS}/connections`)).status).toBe(200);
    await h.advance(86_399_000, false);
    const expired = await h.call('GET', `${FS}/connections`);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error_code: '401013', message: 'Oauth token is not valid' });
    await h.login();
    expect((await h.call('GET', `${FS}/connections`)).status).toBe(200);
  });
});

describe('short token lifetimes', () => {
  it('expire exactly when the simulated clock reaches their lifetime', async () => {
    const clock = new ManualClock();
    const h = await Harness.start({ tokenLifetimeSeconds: 2, clock });
    try {
      expect((await h.call('GET', `${FS}/flows`)).status).toBe(200);
      clock.advance(1_999);
      expect((await h.call('GET', `${FS}/flows`)).status).toBe(200);
      clock.advance(1);
      expect((await h.call('GET', `${FS}/flows`)).status).toBe(401);
    } finally {
      await h.close();
    }
  });
});

describe('gateway header checks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ clientId: 'cid-1', clientSecret: 'sec-1', orgId: 'ORG1@AdobeOrg' });
  });
  afterAll(() => h.close());

  it.each([
    [
      'a missing Authorization header',
      { authorization: undefined },
      403,
      { error_code: '403010', message: 'Oauth token is missing.' },
    ],
    [
      'an unknown token',
      { authorization: 'Bearer nope' },
      401,
      { error_code: '401013', message: 'Oauth token is not valid' },
    ],
    [
      'a missing x-api-key',
      { 'x-api-key': undefined },
      403,
      { error_code: '403000', message: 'Api Key is required' },
    ],
    [
      'an x-api-key of another client',
      { 'x-api-key': 'other' },
      403,
      { error_code: '403003', message: 'Api Key is invalid' },
    ],
    [
      'a missing x-gw-ims-org-id',
      { 'x-gw-ims-org-id': undefined },
      400,
      { error_code: '400003', message: 'Missing header' },
    ],
    [
      'an org the token does not belong to',
      { 'x-gw-ims-org-id': 'OTHER@AdobeOrg' },
      403,
      { error_code: '403025', message: 'Profile is not valid' },
    ],
  ])('answers %s with the gateway error shape', async (_reason, headers, status, body) => {
    const r = await h.call('GET', `${FS}/connections`, undefined, headers);
    expect(r.status).toBe(status);
    expect(r.body).toEqual(body);
  });

  it('answers a missing sandbox header with 2105-400', async () => {
    const r = await h.call('GET', `${FS}/flows`, undefined, { 'x-sandbox-name': undefined });
    expect(r.status).toBe(400);
    expect(errorType(r.body)).toBe('FLOW-2105-400');
    expect(r.body.title).toBe('Header is missing');
  });

  it('answers a malformed sandbox name with 2100-404', async () => {
    const r = await h.call('GET', `${FS}/flows`, undefined, { 'x-sandbox-name': 'Not Lower' });
    expect(errorType(r.body)).toBe('FLOW-2100-404');
  });

  it('checks the headers on Data Prep, Catalog and Schema Registry too', async () => {
    for (const path of [
      '/data/foundation/conversion/mappingSets',
      '/data/foundation/catalog/dataSets',
      '/data/foundation/schemaregistry/stats',
    ]) {
      const r = await h.call('GET', path, undefined, { authorization: undefined });
      expect(r.body.error_code).toBe('403010');
    }
  });

  it('requires a JSON content type on writes', async () => {
    const r = await h.call('POST', `${FS}/connections`, undefined, { 'content-type': 'text/plain' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      type: '/placeholder/type/uri',
      status: 400,
      title: 'BadRequestError',
      detail: 'A valid content-type must be specified',
    });
  });
});

describe('sandbox and org isolation', () => {
  it('keeps one sandbox from seeing, patching or deleting another sandbox’s resources', async () => {
    const h = await Harness.start();
    try {
      const id = await h.base();
      h.sandbox = 'dev';
      expect((await h.call('GET', `${FS}/connections/${id}`)).status).toBe(404);
      expect((await h.call('GET', `${FS}/connections`)).body.items).toEqual([]);
      expect((await h.call('DELETE', `${FS}/connections/${id}`)).status).toBe(404);
      const devId = await h.base();
      h.sandbox = 'prod';
      const prod = await h.call('GET', `${FS}/connections`);
      expect(prod.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
      expect(prod.body.items[0].sandboxName).toBe('prod');
      const state = await h.control('GET', 'state');
      expect(
        state.body.resources.map((r: { id: string; sandboxName: string }) => [r.id, r.sandboxName]).sort(),
      ).toEqual(
        [
          [id, 'prod'],
          [devId, 'dev'],
        ].sort(),
      );
    } finally {
      await h.close();
    }
  });

  it('keeps orgs apart: a second credential in another org sees nothing of the first', async () => {
    const h = await Harness.start();
    try {
      await h.base();
      await h.control('POST', 'credentials', { clientId: 'c2', clientSecret: 's2', orgId: 'ORG2@AdobeOrg' });
      h.clientId = 'c2';
      h.orgId = 'ORG2@AdobeOrg';
      await h.login('s2');
      expect((await h.call('GET', `${FS}/connections`)).body.items).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
