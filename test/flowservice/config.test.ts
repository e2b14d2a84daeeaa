import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SCOPES, parseFlowServiceConfig } from '../../controller/flowservice/config.js';

const credentials = { clientId: 'cid', clientSecret: 'p8e-very-secret-value', orgId: 'ORG@AdobeOrg' };

describe('client configuration', () => {
  it('fills every default from one place', () => {
    const cfg = parseFlowServiceConfig({ credentials });
    expect(cfg).toMatchObject({
      imsUrl: 'https://ims-na1.adobelogin.com',
      platformUrl: 'https://platform.adobe.io',
      sandbox: 'prod',
      requestTimeoutMs: 30_000,
      maxRetries: 4,
      rateLimit: { requestsPerSecond: 10, burst: 20 },
      retry: { baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 },
    });
    expect(cfg.credentials.scopes).toEqual([...DEFAULT_SCOPES]);
  });

  it('keeps nested defaults when only part of a nested object is given', () => {
    expect(parseFlowServiceConfig({ credentials, rateLimit: { requestsPerSecond: 2 } }).rateLimit).toEqual({
      requestsPerSecond: 2,
      burst: 20,
    });
  });

  it('rejects an invalid config without echoing the client secret', () => {
    let message = '';
    try {
      parseFlowServiceConfig({ credentials: { ...credentials, orgId: '' }, sandbox: 'Prod' });
    } catch (e) {
      message = String(e);
    }
    expect(message).toContain('orgId');
    expect(message).toContain('sandbox');
    expect(message).not.toContain(credentials.clientSecret);
  });
});
