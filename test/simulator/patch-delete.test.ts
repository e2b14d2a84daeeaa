import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorType, FS, Harness } from './helpers.js';

describe('PATCH with JSON Patch and If-Match', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.close());

  async function etagOf(path: string): Promise<string> {
    return (await h.call('GET', path)).body.items[0].etag;
  }

  it('requires If-Match (1403-400)', async () => {
    const id = await h.base();
    const r = await h.call('PATCH', `${FS}/connections/${id}`, [
      { op: 'replace', path: '/name', value: 'n' },
    ]);
    expect(r.status).toBe(400);
    expect(errorType(r.body)).toBe('FLOW-1403-400');
    expect(r.body.title).toBe('Header is missing');
  });

  it('answers a stale etag with 412 1404', async () => {
    const id = await h.base();
    const r = await h.call(
      'PATCH',
      `${FS}/connections/${id}`,
      [{ op: 'replace', path: '/name', value: 'n' }],
      {
        'if-match': '"00000000-0000-0200-0000-000000000000"',
      },
    );
    expect(r.status).toBe(412);
    expect(errorType(r.body)).toBe('FLOW-1404-412');
  });

  it('accepts the etag quoted or unquoted and returns a new etag each time', async () => {
    const id = await h.base();
    const path = `${FS}/connections/${id}`;
    const first = await etagOf(path);
    const quoted = await h.call('PATCH', path, [{ op: 'replace', path: '/name', value: 'quoted' }], {
      'if-match': first,
    });
    expect(quoted.status).toBe(200);
    expect(quoted.body.id).toBe(id);
    expect(quoted.body.etag).toMatch(/^".*"$/);
    expect(quoted.body.etag).not.toBe(first);
    // The patched connection is `updating` for a while: a second update is refused (1416) meanwhile.
    const busy = await h.call('PATCH', path, [{ op: 'replace', path: '/name', value: 'busy' }], {
      'if-match': quoted.body.etag,
    });
    expect(errorType(busy.body)).toBe('FLOW-1416-400');
    await h.advance(1_100, false);
    const unquoted = await h.call('PATCH', path, [{ op: 'REPLACE', path: '/name', value: 'unquoted' }], {
      'if-match': quoted.body.etag.slice(1, -1),
    });
    expect(unquoted.status).toBe(200);
    const item = (await h.call('GET', path)).body.items[0];
    expect(item.name).toBe('unquoted');
    expect(item.etag).toBe(unquoted.body.etag);
    expect(item.version).toBe(unquoted.body.etag);
    expect(item.updatedAt).toBeGreaterThanOrEqual(item.createdAt);
    const stale = await h.call('PATCH', path, [{ op: 'replace', path: '/name', value: 'x' }], {
      'if-match': first,
    });
    expect(stale.status).toBe(412);
  });

  it('replaces auth params, still masking the new password', async () => {
    const id = await h.base();
    const path = `${FS}/connections/${id}`;
    const r = await h.call(
      'PATCH',
      path,
      [
        { op: 'replace', path: '/auth/params', value: { username: 'new', password: 'rotated' } },
        { op: 'add', path: '/description', value: 'd' },
      ],
      {
        'if-match': await etagOf(path),
      },
    );
    expect(r.status).toBe(200);
    const item = (await h.call('GET', path)).body.items[0];
    expect(item.auth.params).toEqual({ username: 'new', password: '********' });
    expect(item.description).toBe('d');
  });

  it.each([
    [
      'the connection spec (1414)',
      [{ op: 'replace', path: '/connectionSpec', value: { id: 'x', version: '1.0' } }],
      'FLOW-1414-400',
    ],
    ['a move op (1434)', [{ op: 'move', from: '/name', path: '/description' }], 'FLOW-1434-400'],
    [
      'a path that does not exist (1455)',
      [{ op: 'replace', path: '/keyWhichDoesNotExist', value: 1 }],
      'FLOW-1455-400',
    ],
    [
      'a removal of a nested field that does not exist (1455)',
      [{ op: 'remove', path: '/auth/params/nothing' }],
      'FLOW-1455-400',
    ],
    ['a change of the resource id (1414)', [{ op: 'replace', path: '/id', value: 'other' }], 'FLOW-1414-400'],
  ])('rejects patching %s', async (_reason, ops, type) => {
    const id = await h.base();
    const path = `${FS}/connections/${id}`;
    const before = await etagOf(path);
    const r = await h.call('PATCH', path, ops, { 'if-match': before });
    expect(r.status).toBe(400);
    expect(errorType(r.body)).toBe(type);
    expect(await etagOf(path)).toBe(before);
  });

  it('answers 404 for patching a resource that does not exist', async () => {
    const r = await h.call(
      'PATCH',
      `${FS}/flows/8a000000-0000-4000-8000-000000000000`,
      [{ op: 'replace', path: '/name', value: 'n' }],
      { 'if-match': '"x"' },
    );
    expect(r.status).toBe(404);
    expect(errorType(r.body)).toBe('FLOW-1439-404');
  });
});

describe('DELETE', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.close());

  it('answers 204 with an empty body, then 404 on GET', async () => {
    const id = await h.base();
    const del = await h.call('DELETE', `${FS}/connections/${id}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    const got = await h.call('GET', `${FS}/connections/${id}`);
    expect(got.status).toBe(404);
    expect(got.body).toEqual(
      expect.objectContaining({
        type: 'https://ns.adobe.com/aep/errors/FLOW-1439-404',
        title: 'Resource not found',
        status: 404,
        report: expect.objectContaining({ 'detailed-message': expect.any(String) }),
        errorMessage: expect.any(String),
      }),
    );
    expect((await h.call('DELETE', `${FS}/connections/${id}`)).status).toBe(404);
  });

  it('refuses to delete a base connection a flow still uses (1418), and the connections a flow uses (1447)', async () => {
    const ids = await h.chain();
    // New source/target connections are `inProgress` for a while: no delete or update (1416).
    expect(errorType((await h.call('DELETE', `${FS}/sourceConnections/${ids.sourceId}`)).body)).toBe(
      'FLOW-1416-400',
    );
    await h.advance(1_100, false);
    const base = await h.call('DELETE', `${FS}/connections/${ids.baseId}`);
    expect(errorType(base.body)).toBe('FLOW-1418-400');
    expect((await h.call('DELETE', `${FS}/sourceConnections/${ids.sourceId}`)).body.type).toContain(
      'FLOW-1447-400',
    );
    expect((await h.call('DELETE', `${FS}/targetConnections/${ids.targetId}`)).body.type).toContain(
      'FLOW-1447-400',
    );

    const flowEtag = (await h.call('GET', `${FS}/flows/${ids.flowId}`)).body.items[0].etag;
    expect((await h.call('DELETE', `${FS}/flows/${ids.flowId}`)).status).toBe(204);
    // Gone for a GET, but delete-finalizing: still holding its connections, and not deletable again.
    expect((await h.call('GET', `${FS}/flows/${ids.flowId}`)).status).toBe(404);
    const patch = await h.call(
      'PATCH',
      `${FS}/flows/${ids.flowId}`,
      [{ op: 'replace', path: '/name', value: 'x' }],
      {
        'if-match': flowEtag,
      },
    );
    expect(errorType(patch.body)).toBe('FLOW-1457-400');
    expect(errorType((await h.call('DELETE', `${FS}/flows/${ids.flowId}`)).body)).toBe('FLOW-1458-400');
    expect(errorType((await h.call('DELETE', `${FS}/sourceConnections/${ids.sourceId}`)).body)).toBe(
      'FLOW-1447-400',
    );
    expect(errorType((await h.call('DELETE', `${FS}/connections/${ids.baseId}`)).body)).toBe('FLOW-1418-400');
    await h.advance(1_100, false);
    expect((await h.call('DELETE', `${FS}/flows/${ids.flowId}`)).status).toBe(404);
    expect((await h.call('DELETE', `${FS}/sourceConnections/${ids.sourceId}`)).status).toBe(204);
    expect((await h.call('DELETE', `${FS}/targetConnections/${ids.targetId}`)).status).toBe(204);
    expect((await h.call('DELETE', `${FS}/connections/${ids.baseId}`)).status).toBe(204);
  });
});

describe('out-of-band edits through the control API', () => {
  it('lets a test rename or delete a resource behind the client’s back', async () => {
    const h = await Harness.start();
    try {
      const id = await h.base();
      const before = (await h.call('GET', `${FS}/connections/${id}`)).body.items[0].etag;
      const edit = await h.control('PATCH', `resources/${id}`, { name: 'renamed in the UI' });
      expect(edit.status).toBe(200);
      const after = (await h.call('GET', `${FS}/connections/${id}`)).body.items[0];
      expect(after.name).toBe('renamed in the UI');
      expect(after.etag).not.toBe(before);
      const peek = await h.control('GET', `resources/${id}`);
      expect(peek.body.auth.params.password).toBe('********');
      expect(peek.body.authParamsSha256).toMatch(/^[0-9a-f]{64}$/);
      expect((await h.control('DELETE', `resources/${id}`)).status).toBe(204);
      expect((await h.call('GET', `${FS}/connections/${id}`)).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
