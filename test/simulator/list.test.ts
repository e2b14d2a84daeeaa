import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorType, FS, Harness } from './helpers.js';

describe('list queries', () => {
  let h: Harness;
  const ids: string[] = [];
  beforeAll(async () => {
    h = await Harness.start();
    for (let i = 0; i < 7; i++) ids.push(await h.base(`user${i}`, `conn-${String.fromCharCode(103 - i)}`)); // names g..a
  });
  afterAll(() => h.close());

  const names = (body: { items: { name: string }[] }) => body.items.map((i) => i.name);

  it('pages with limit, continuationToken and _links.next until every item was seen once', async () => {
    const seen: string[] = [];
    let path: string | undefined = `${FS}/connections?limit=3`;
    let pages = 0;
    while (path) {
      const r = await h.call('GET', path);
      expect(r.status).toBe(200);
      expect(r.body._links).toBeDefined();
      seen.push(...r.body.items.map((i: { id: string }) => i.id));
      const next: string | undefined = r.body._links.next?.href;
      // FS-OAS PageLink: `/<collection>?continuationToken=…` and nothing else.
      if (next) expect(next).toMatch(/^\/connections\?continuationToken=[^&]+$/);
      path = next ? `${FS}${next}&limit=3` : undefined;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it('reads the token after the single = of the href, as other AEP clients do', async () => {
    const first = await h.call('GET', `${FS}/connections?limit=2`);
    const href: string = first.body._links.next.href;
    const token = href.split('=')[1]!; // aepp's way: the href carries no other parameter
    const second = await h.call('GET', `${FS}/connections?limit=2&continuationToken=${token}`);
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(2);
  });

  it('keeps filters and order across pages when the client sends them again with the token', async () => {
    const query = 'limit=2&orderby=name&property=name==conn-c,conn-d,conn-e,conn-f';
    const first = await h.call('GET', `${FS}/connections?${query}`);
    expect(names(first.body)).toEqual(['conn-c', 'conn-d']);
    const token = new URL(first.body._links.next.href, 'http://x').searchParams.get('continuationToken');
    const second = await h.call('GET', `${FS}/connections?${query}&continuationToken=${token}`);
    expect(names(second.body)).toEqual(['conn-e', 'conn-f']);
    expect(second.body._links).toEqual({});
    // Following the href alone would drop the filters: the token is refused rather than guessed at.
    const literal = await h.call('GET', `${FS}${first.body._links.next.href}`);
    expect(errorType(literal.body)).toBe('FLOW-1453-400');
  });

  it('ends with an empty _links when there is no next page', async () => {
    const r = await h.call('GET', `${FS}/connections?limit=100`);
    expect(r.body._links).toEqual({});
  });

  it('filters with ==, comma-separated OR and repeated-parameter AND', async () => {
    const one = await h.call('GET', `${FS}/connections?property=name==conn-a`);
    expect(names(one.body)).toEqual(['conn-a']);
    const or = await h.call('GET', `${FS}/connections?property=id==${ids[0]},${ids[1]}`);
    expect(or.body.items.map((i: { id: string }) => i.id)).toEqual([ids[0], ids[1]]);
    const and = await h.call(
      'GET',
      `${FS}/connections?property=id==${ids[0]},${ids[1]}&property=name==conn-g`,
    );
    expect(names(and.body)).toEqual(['conn-g']);
    const quoted = await h.call('GET', `${FS}/connections?property=name=="conn-b"`);
    expect(names(quoted.body)).toEqual(['conn-b']);
  });

  it('answers a filter on a field Adobe does not list for the collection with 1449, or ignores it', async () => {
    // EN sort-and-filter.md lists id, name, description, connectionSpec.id and state for connections.
    const nested = await h.call('GET', `${FS}/connections?property=auth.params.username==user3`);
    expect(nested.status).toBe(400);
    expect(errorType(nested.body)).toBe('FLOW-1449-400');
    expect(nested.body.errorMessage).toBe('Invalid field auth.params.username in filter params.');
    await h.control('POST', 'settings', { undocumentedFilters: 'ignore' });
    const ignored = await h.call('GET', `${FS}/connections?property=auth.params.username==user3`);
    const all = (await h.call('GET', `${FS}/connections?count=true`)).body.count as number;
    expect(ignored.body.items).toHaveLength(all); // the filter was dropped: every connection
    await h.control('POST', 'settings', { undocumentedFilters: 'reject' });
    // Range operators only on documented numeric fields (1448).
    expect(errorType((await h.call('GET', `${FS}/connections?property=name>conn-b`)).body)).toBe(
      'FLOW-1448-400',
    );
    // `!=` is not a documented operator (1450).
    expect(errorType((await h.call('GET', `${FS}/connections?property=name!=conn-b`)).body)).toBe(
      'FLOW-1450-400',
    );
  });

  it('answers an undocumented query parameter with 1451', async () => {
    const r = await h.call('GET', `${FS}/connections?testParam=1`);
    expect(errorType(r.body)).toBe('FLOW-1451-400');
    expect(r.body.errorMessage).toBe('Invalid params testParam provided in query params.');
  });

  it('filters with >, <, >= and <= on numbers', async () => {
    const all = (await h.call('GET', `${FS}/connections`)).body.items as { createdAt: number }[];
    const mid = all[3]!.createdAt;
    const ge = await h.call('GET', `${FS}/connections?property=createdAt>=${mid}`);
    expect(ge.body.items.every((i: { createdAt: number }) => i.createdAt >= mid)).toBe(true);
    const lt = await h.call('GET', `${FS}/connections?property=createdAt<${mid}`);
    expect(lt.body.items.length + ge.body.items.length).toBe(7);
    const le = await h.call('GET', `${FS}/connections?property=createdAt<=${mid}&property=createdAt>=${mid}`);
    expect(le.body.items.every((i: { createdAt: number }) => i.createdAt === mid)).toBe(true);
  });

  it('filters flows by array paths with []', async () => {
    const a = await h.chain();
    const b = await h.chain();
    const bySource = await h.call('GET', `${FS}/flows?property=sourceConnectionIds[]==${a.sourceId}`);
    expect(bySource.body.items.map((f: { id: string }) => f.id)).toEqual([a.flowId]);
    // Without `[]` the array property is not a documented filter path: refused, never matched.
    const plain = await h.call('GET', `${FS}/flows?property=sourceConnectionIds==${b.sourceId}`);
    expect(errorType(plain.body)).toBe('FLOW-1449-400');
    await h.control('POST', 'settings', { undocumentedFilters: 'ignore' });
    const ignored = await h.call('GET', `${FS}/flows?property=sourceConnectionIds==${b.sourceId}`);
    expect(ignored.body.items.length).toBeGreaterThan(1); // ignored: every flow comes back
    await h.control('POST', 'settings', { undocumentedFilters: 'reject' });
    const deep = await h.call(
      'GET',
      `${FS}/flows?property=inheritedAttributes.targetConnections[].connectionSpec.id==c604ff05-7f1a-43c0-8e18-33bf874cb11c`,
    );
    expect(deep.body.items).toHaveLength(2);
    const state = await h.call('GET', `${FS}/flows?property=state==enabled`);
    expect(state.body.items).toHaveLength(2);
    const finalizing = await h.call('GET', `${FS}/flows?property=state==delete-finalizing`);
    expect(errorType(finalizing.body)).toBe('FLOW-1456-400');
  });

  it('sorts ascending and descending, with + and - prefixes', async () => {
    expect(names((await h.call('GET', `${FS}/connections?orderby=name`)).body)).toEqual(
      [
        'conn-a',
        'conn-b',
        'conn-c',
        'conn-d',
        'conn-e',
        'conn-f',
        'conn-g',
        'Mixpanel base connection',
        'Mixpanel base connection',
      ].sort((x, y) => x.localeCompare(y)),
    );
    const mine = 'property=name==conn-a,conn-b,conn-c,conn-d,conn-e,conn-f,conn-g';
    const desc = names((await h.call('GET', `${FS}/connections?orderby=-name&${mine}`)).body);
    expect(desc).toEqual(['conn-g', 'conn-f', 'conn-e', 'conn-d', 'conn-c', 'conn-b', 'conn-a']);
    const plus = names((await h.call('GET', `${FS}/connections?orderby=%2Bname&${mine}`)).body);
    expect(plus).toEqual([...desc].reverse());
    const byCreated = (await h.call('GET', `${FS}/connections?orderby=-createdAt`)).body.items as {
      createdAt: number;
    }[];
    expect(byCreated.map((i) => i.createdAt)).toEqual(
      byCreated.map((i) => i.createdAt).sort((x, y) => y - x),
    );
  });

  it('rejects a bad sort order (1432) and an unknown sort field (1433)', async () => {
    expect(errorType((await h.call('GET', `${FS}/connections?orderby=*name`)).body)).toBe('FLOW-1432-400');
    expect(errorType((await h.call('GET', `${FS}/connections?orderby=password`)).body)).toBe('FLOW-1433-400');
    // The guide documents sorting on `name` and `createdAt` only.
    expect(errorType((await h.call('GET', `${FS}/connections?orderby=updatedAt`)).body)).toBe(
      'FLOW-1433-400',
    );
  });

  it('counts with count=true and refuses limit with count (1401)', async () => {
    const count = await h.call('GET', `${FS}/connections?count=true&property=name==conn-a,conn-b`);
    expect(count.body).toEqual({ count: 2 });
    const both = await h.call('GET', `${FS}/connections?count=true&limit=5`);
    expect(both.status).toBe(400);
    expect(errorType(both.body)).toBe('FLOW-1401-400');
  });

  it('rejects invalid operators, limits and continuation tokens', async () => {
    expect(errorType((await h.call('GET', `${FS}/connections?property=name=a`)).body)).toBe('FLOW-1450-400');
    expect(errorType((await h.call('GET', `${FS}/connections?property=name`)).body)).toBe('FLOW-1450-400');
    expect(errorType((await h.call('GET', `${FS}/connections?property=createdAt>1,2`)).body)).toBe(
      'FLOW-1443-400',
    );
    expect(errorType((await h.call('GET', `${FS}/connections?limit=0`)).body)).toBe('FLOW-1453-400');
    expect(errorType((await h.call('GET', `${FS}/connections?continuationToken=garbage`)).body)).toBe(
      'FLOW-1453-400',
    );
  });

  it('uses the configured default page size when no limit is sent', async () => {
    await h.control('POST', 'config', { defaultPageSize: 4 });
    const r = await h.call('GET', `${FS}/connections`);
    expect(r.body.items).toHaveLength(4);
    expect(r.body._links.next.href).toContain('continuationToken=');
    await h.control('POST', 'config', { defaultPageSize: 100 });
  });
});

describe('lookups by name', () => {
  it('follow renames by PATCH and out-of-band edits, and forget deleted resources', async () => {
    const h = await Harness.start();
    try {
      const byName = async (name: string) =>
        (await h.call('GET', `${FS}/connections?property=name==${encodeURIComponent(name)}`)).body.items.map(
          (i: { id: string }) => i.id,
        );
      const id = await h.base('u', 'original');
      const other = await h.base('u', 'Original');
      expect(await byName('ORIGINAL')).toEqual([id, other]);
      const etag = (await h.call('GET', `${FS}/connections/${id}`)).body.items[0].etag;
      await h.call('PATCH', `${FS}/connections/${id}`, [{ op: 'replace', path: '/name', value: 'renamed' }], {
        'if-match': etag,
      });
      expect(await byName('original')).toEqual([other]);
      expect(await byName('renamed')).toEqual([id]);
      await h.control('PATCH', `resources/${id}`, { name: 'renamed twice' });
      expect(await byName('renamed')).toEqual([]);
      expect(await byName('renamed twice')).toEqual([id]);
      await h.advance(1_100); // past the PATCH's `updating`
      await h.call('DELETE', `${FS}/connections/${id}`);
      expect(await byName('renamed twice')).toEqual([]);
      expect(await byName('renamed twice,original')).toEqual([other]);
    } finally {
      await h.close();
    }
  });
});
