/**
 * The contract check itself: the table of documented forms accepts what Adobe documents and flags
 * every undocumented form (this is what makes the suite-wide check of test/support/contract-check.ts
 * able to fail), the simulator's recorder sees the client's requests, and, when Adobe's OpenAPI files
 * are available, every path of the table exists in them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import type { RecordedRequest } from '../../simulator/recorder.js';
import { describeWithOpenApi, OPENAPI_DIR } from '../simulator/openapi.js';
import { recordedClientRequests } from '../support/contract-check.js';
import { checkRequest, DOCUMENTED_FORMS, GATEWAY_HEADERS } from './documented-forms.js';
import { clientFor, startHarness, type SimHarness } from './sim-harness.js';

const FS = '/data/foundation/flowservice';
const FLOW = `${FS}/flows/3f4ae131-b384-4e73-9a6c-1e3e7ad6f4f0`;

function req(method: string, path: string, extra: Partial<RecordedRequest> = {}): RecordedRequest {
  return {
    method,
    path,
    query: [],
    headers: [...GATEWAY_HEADERS, 'user-agent', ...(method === 'GET' ? [] : ['content-type', 'if-match'])],
    client: true,
    ...extra,
  };
}
const q = (query: Record<string, string> | [string, string][]) =>
  Array.isArray(query) ? query : Object.entries(query);

describe('the table of documented forms', () => {
  it.each([
    [
      'a flow lookup by source with []',
      req('GET', `${FS}/flows`, { query: q({ property: 'sourceConnectionIds[]==a' }) }),
    ],
    [
      'a name lookup of base connections',
      req('GET', `${FS}/connections`, { query: q({ property: 'name==x' }) }),
    ],
    [
      'source connections of a base',
      req('GET', `${FS}/sourceConnections`, { query: q({ property: 'baseConnectionId==b' }) }),
    ],
    [
      'a run window ordered by createdAt',
      req('GET', `${FS}/runs`, {
        query: q([
          ['property', 'flowId==f'],
          ['property', 'metrics.durationSummary.startedAtUTC>1593134665781'],
          ['orderby', '-createdAt'],
          ['limit', '100'],
          ['continuationToken', 'abc'],
        ]),
      }),
    ],
    [
      'a schedule switch to once',
      req('PATCH', FLOW, {
        patch: [
          { op: 'replace', path: '/scheduleParams/frequency', hasValue: true },
          { op: 'remove', path: '/scheduleParams/interval', hasValue: false },
          { op: 'remove', path: '/scheduleParams/backfill', hasValue: false },
        ],
      }),
    ],
    [
      'the Mapping entry at index 1',
      req('PATCH', FLOW, { patch: [{ op: 'replace', path: '/transformations/1', hasValue: true }] }),
    ],
    [
      'a mapping set GET at a version',
      req('GET', '/data/foundation/conversion/mappingSets/abc', { query: q({ version: '2' }) }),
    ],
    ['a retry', req('POST', `${FS}/runs/r1/action`, { query: q({ op: 're-trigger' }) })],
    ['a disable', req('POST', `${FLOW}/action`, { query: q({ op: 'disable' }) })],
  ])('accepts %s', (_what, r) => {
    expect(checkRequest(r)).toEqual([]);
  });

  it.each([
    [
      'a bare array filter',
      req('GET', `${FS}/flows`, { query: q({ property: 'sourceConnectionIds==a' }) }),
      'needs []',
    ],
    [
      'name on source connections (not a documented filter there)',
      req('GET', `${FS}/sourceConnections`, { query: q({ property: 'name==x' }) }),
      'not a documented filter field',
    ],
    [
      'a range on a name',
      req('GET', `${FS}/connections`, { query: q({ property: 'name>x' }) }),
      'documented only on',
    ],
    [
      '!= (not a documented operator)',
      req('GET', `${FS}/connections`, { query: q({ property: 'name!=x' }) }),
      'not path==value',
    ],
    [
      'sorting runs on a nested field',
      req('GET', `${FS}/runs`, { query: q({ orderby: '-metrics.durationSummary.startedAtUTC' }) }),
      'sorting is documented',
    ],
    [
      'an unknown query parameter',
      req('GET', `${FS}/flows`, { query: q({ testParam: '1' }) }),
      'not documented here',
    ],
    ['limit with count', req('GET', `${FS}/flows`, { query: q({ limit: '1', count: 'true' }) }), '1401'],
    [
      'replace without a value',
      req('PATCH', FLOW, { patch: [{ op: 'replace', path: '/scheduleParams/interval', hasValue: false }] }),
      'without value',
    ],
    [
      'an undocumented patch path',
      req('PATCH', FLOW, { patch: [{ op: 'replace', path: '/state', hasValue: true }] }),
      'not documented',
    ],
    [
      'a PATCH without If-Match',
      req('PATCH', FLOW, {
        headers: [...GATEWAY_HEADERS],
        patch: [{ op: 'replace', path: '/name', hasValue: true }],
      }),
      'if-match missing',
    ],
    [
      'a mapping set GET without version',
      req('GET', '/data/foundation/conversion/mappingSets/abc'),
      'version missing',
    ],
    [
      'a Data Prep list without start',
      req('GET', '/data/foundation/conversion/mappingSets', { query: q({ limit: '10' }) }),
      'start missing',
    ],
    [
      'a retry spelled another way',
      req('POST', `${FS}/runs/r1/action`, { query: q({ op: 'retrigger' }) }),
      'not one of',
    ],
    ['an undocumented path', req('GET', `${FS}/flows/f1/runs`), 'no documented method and path'],
    ['an undocumented method', req('PUT', FLOW), 'no documented method and path'],
    [
      'a call without the sandbox header',
      req('GET', FLOW, { headers: ['authorization', 'x-api-key', 'x-gw-ims-org-id'] }),
      'x-sandbox-name missing',
    ],
  ])('flags %s', (_what, r, problem) => {
    const problems = checkRequest(r);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(problem);
  });

  it('cites a source for every form', () => {
    for (const f of DOCUMENTED_FORMS)
      expect({ form: `${f.method} ${f.path}`, cited: f.source.length > 0 }).toEqual({
        form: `${f.method} ${f.path}`,
        cited: true,
      });
  });
});

describe('the recorder behind the suite-wide check', () => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('records every request the client makes, by its User-Agent, with query and patch forms but no values', async () => {
    const before = recordedClientRequests().length;
    const { client } = clientFor(h);
    try {
      const created = await client.connections.create({
        name: 'recorded',
        auth: { specName: 'Basic Authentication', params: { username: 'u', password: 'never-recorded-1' } },
        connectionSpec: { id: 'fd2c8ff3-1de0-4f6b-8fa8-4264784870eb', version: '1.0' },
      });
      await client.connections.patch(created.id, created.etag, [
        { op: 'replace', path: '/auth/params', value: { username: 'u', password: 'never-recorded-2' } },
      ]);
      await client.connections.list({ property: ['name==recorded'] });
    } finally {
      await client.close();
    }
    const mine = recordedClientRequests().slice(before);
    expect(mine.map((r) => r.method)).toEqual(['POST', 'POST', 'PATCH', 'GET']); // token, create, patch, list
    expect(mine[2]?.patch).toEqual([{ op: 'replace', path: '/auth/params', hasValue: true }]);
    expect(mine[3]?.query).toEqual([['property', 'name==recorded']]);
    expect(JSON.stringify(mine)).not.toContain('never-recorded');
    expect(mine.flatMap(checkRequest)).toEqual([]);
    const ring = (await h.control('GET', 'recorder')) as { requests: RecordedRequest[] };
    expect(ring.requests.filter((r) => r.client)).toHaveLength(4);
  });
});

const SPEC_FILES = [
  { file: 'flow-service.yaml', base: '/data/foundation/flowservice' },
  { file: 'data-prep.yaml', base: '/data/foundation/conversion' },
  { file: 'catalog.yaml', base: '/data/foundation/catalog' },
  { file: 'schema-registry.yaml', base: '/data/foundation/schemaregistry' },
] as const;

describeWithOpenApi("the table against Adobe's OpenAPI files", () => {
  it('finds every documented form in the OpenAPI paths (the one cross-check of the table)', () => {
    const routes = SPEC_FILES.flatMap(({ file, base }) => {
      const doc = parse(readFileSync(resolve(OPENAPI_DIR, file), 'utf8')) as {
        paths: Record<string, object>;
      };
      return Object.entries(doc.paths).map(([path, item]) => ({
        segments: (base + path).split('/').filter(Boolean),
        methods: Object.keys(item).map((m) => m.toUpperCase()),
      }));
    });
    const missing = DOCUMENTED_FORMS.filter((f) => {
      const want = f.path.split('/').filter(Boolean);
      return !routes.some(
        (r) =>
          r.methods.includes(f.method) &&
          r.segments.length === want.length &&
          r.segments.every(
            (s, i) => s.startsWith('{') === want[i]!.startsWith('{') && (s.startsWith('{') || s === want[i]),
          ),
      );
    }).map((f) => `${f.method} ${f.path}`);
    expect(missing).toEqual([]);
  });
});
