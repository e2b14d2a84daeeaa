import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CONDITION_REASONS, EVENT_REASONS } from '../../controller/reconcile/index.js';
import { MAX_SECRET_VALUE_LENGTH, secretValueProblem } from '../../controller/reconcile/secret-values.js';
import { adobeCalls, condition, Driver, Env, isReady, makeSecrets } from './harness.js';

const decoded = (bytes: Buffer) => bytes.toString('utf8'); // how the controller decodes Secret data

describe('which Secret values can be credentials', () => {
  it.each([
    ['a trailing line break', 'my-org@AdobeOrg\n', /ends with a line break/],
    ['a trailing CRLF', 'p8e-secret\r\n', /ends with a line break/],
    ['bytes that are not UTF-8', decoded(Buffer.from([0x70, 0xff, 0xfe, 0x41])), /not UTF-8/],
    ['UTF-16 text', decoded(Buffer.from('p8e-secret', 'utf16le')), /control character.*UTF-16/],
    ['two lines', 'line one\nline two', /control character/],
    ['a leading space', ' svc.mixpanel', /starts or ends with a space/],
    ['a very large value', 'x'.repeat(MAX_SECRET_VALUE_LENGTH + 1), /characters long/],
  ])('refuses %s', (_what, value, problem) => {
    expect(secretValueProblem(value)).toMatch(problem);
  });

  it.each([
    'p8e-AbC_123-xyz',
    'my-org@AdobeOrg',
    'pass word with inner spaces',
    'ünïcødé-pässwörd',
    'x'.repeat(4096),
  ])('accepts %s', (value) => expect(secretValueProblem(value)).toBeUndefined());
});

// Found by the Secret fuzz (issue 16): an orgId with a trailing line break (`echo x | base64`) went
// into the x-gw-ims-org-id header; undici refused it and the dataflow retried a "network error"
// with backoff forever, never saying what to fix.
describe('a Secret value that cannot be a credential', () => {
  let env: Env;
  beforeAll(async () => {
    env = await Env.start();
  });
  afterAll(async () => env.close());

  it('is named with its key and the fix in Synced and a Warning, without calling Adobe; fixed, it converges', async () => {
    const d = new Driver(env);
    const good = makeSecrets();
    const orgId = good['aep-credentials']!.orgId!;
    d.secrets = { ...good, 'aep-credentials': { ...good['aep-credentials']!, orgId: `${orgId}\n` } };
    await env.resetRequests();
    const res = await d.reconcile();
    const synced = condition(res, 'Synced');
    expect(synced).toMatchObject({ status: 'False', reason: CONDITION_REASONS.SecretValueInvalid });
    expect(synced?.message).toBe(
      'Secret "aep-credentials" has an unusable value for key "orgId": it ends with a line break ' +
        '(create it with `kubectl create secret generic --from-literal` or `echo -n`).',
    );
    expect(res.events).toContainEqual(
      expect.objectContaining({ type: 'Warning', reason: EVENT_REASONS.InvalidSecret }),
    );
    expect(adobeCalls(await env.requests()).total).toBe(0);
    expect((await env.control('GET', 'requests')).body.tokenRequests).toBe(0);

    // A binary password: its value never appears in the message.
    const binary = Buffer.from([0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0xff]).toString('utf8');
    d.secrets = { ...good, 'mixpanel-sa': { username: 'svc.mixpanel', password: binary } };
    const bin = await d.reconcile();
    expect(condition(bin, 'Synced')?.message).toMatch(/"password": it is not UTF-8 text/);
    expect(JSON.stringify(bin.status)).not.toContain(binary);

    d.secrets = good;
    expect(isReady(await d.converge())).toBe(true);
  });
});
