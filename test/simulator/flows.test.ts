import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorType, FLOW_SPEC, FS, Harness } from './helpers.js';

describe('flow validation', () => {
  let h: Harness;
  let ids: Awaited<ReturnType<Harness['chain']>>;
  beforeAll(async () => {
    h = await Harness.start();
    ids = await h.chain();
  });
  afterAll(() => h.close());

  const create = (body: Record<string, unknown>) => h.call('POST', `${FS}/flows`, body);
  const body = (schedule: Record<string, unknown> = {}) =>
    h.flowBody(ids.sourceId, ids.targetId, ids.mappingId, schedule);

  it('refuses state in a create body (1410)', async () => {
    const r = await create({ ...body(), state: 'enabled' });
    expect(errorType(r.body)).toBe('FLOW-1410-400');
  });

  it.each([
    ['minute below 15', { frequency: 'minute', interval: 14 }, 400],
    ['minute at 15', { frequency: 'minute', interval: 15 }, 201],
    ['hour at 1', { frequency: 'hour', interval: 1 }, 201],
    ['day at 0', { frequency: 'day', interval: 0 }, 400],
    ['week without interval', { frequency: 'week', interval: undefined }, 400],
    ['once without interval', { frequency: 'once', interval: undefined }, 201],
    ['once with interval', { frequency: 'once', interval: 1 }, 400],
    ['an unknown frequency', { frequency: 'second', interval: 1 }, 400],
    ['interval as a string', { frequency: 'minute', interval: '30' }, 201],
    ['a non-integer startTime', { startTime: 'soon' }, 400],
  ])('applies the flow spec interval rules: %s', async (_reason, schedule, status) => {
    const r = await create(body(schedule));
    expect(r.status).toBe(status);
    if (status === 400) expect(errorType(r.body)).toBe('FLOW-1459-400');
  });

  it('refuses an unknown flow spec (1413)', async () => {
    const r = await create({
      ...body(),
      flowSpec: { id: '9753525b-82c7-4dce-8a9b-5ccfce2b9876', version: '1.0' },
    });
    expect(errorType(r.body)).toBe('FLOW-1413-400');
  });

  it('refuses source or target connection ids that do not exist (1439)', async () => {
    const missing = '5a000000-0000-4000-8000-000000000000';
    const src = await create({ ...body(), sourceConnectionIds: [missing] });
    expect(errorType(src.body)).toBe('FLOW-1439-400');
    expect(src.body.report.id).toBe(missing);
    const tgt = await create({ ...body(), targetConnectionIds: [missing] });
    expect(errorType(tgt.body)).toBe('FLOW-1439-400');
  });

  it('refuses a source connection id in the target slot, where no target has that id (1439)', async () => {
    const r = await create({ ...body(), targetConnectionIds: [ids.sourceId] });
    expect(errorType(r.body)).toBe('FLOW-1439-400');
  });

  it('refuses a mapping version that does not exist (1412) and a mapping that does not exist (1419)', async () => {
    const version = await create({
      ...body(),
      transformations: [{ name: 'Mapping', params: { mappingId: ids.mappingId, mappingVersion: '3' } }],
    });
    expect(errorType(version.body)).toBe('FLOW-1412-400');
    const mapping = await create({
      ...body(),
      transformations: [{ name: 'Mapping', params: { mappingId: 'f'.repeat(32), mappingVersion: '0' } }],
    });
    expect(errorType(mapping.body)).toBe('FLOW-1419-400');
  });

  it('refuses a mapping whose schema differs from the target dataset’s (1425)', async () => {
    const other = await h.schema('other');
    const mappingId = await h.mapping(other);
    const r = await create({
      ...body(),
      transformations: [{ name: 'Mapping', params: { mappingId, mappingVersion: 0 } }],
    });
    expect(errorType(r.body)).toBe('FLOW-1425-400');
  });

  it('refuses a target connection on a dataset or schema that does not exist (1460, 1461) or disagree (1425)', async () => {
    const base = {
      name: 't',
      connectionSpec: { id: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c', version: '1.0' },
    };
    const noDataset = await h.call('POST', `${FS}/targetConnections`, {
      ...base,
      data: { format: 'parquet_xdm' },
      params: { dataSetId: '0'.repeat(24) },
    });
    expect(errorType(noDataset.body)).toBe('FLOW-1460-400');
    const noSchema = await h.call('POST', `${FS}/targetConnections`, {
      ...base,
      data: {
        format: 'parquet_xdm',
        schema: {
          id: 'https://ns.adobe.com/simtenant/schemas/nope',
          version: 'application/vnd.adobe.xed-full+json;version=1',
        },
      },
      params: { dataSetId: ids.dataSetId },
    });
    expect(errorType(noSchema.body)).toBe('FLOW-1461-400');
    const other = await h.schema('another');
    const mismatch = await h.call('POST', `${FS}/targetConnections`, {
      ...base,
      data: {
        format: 'parquet_xdm',
        schema: { id: other, version: 'application/vnd.adobe.xed-full+json;version=1' },
      },
      params: { dataSetId: ids.dataSetId },
    });
    expect(errorType(mismatch.body)).toBe('FLOW-1425-400');
  });

  it('creates drafts with mode=draft, which publish into enabled flows', async () => {
    const r = await h.call('POST', `${FS}/flows?mode=draft`, body());
    expect(r.status).toBe(201);
    const path = `${FS}/flows/${r.body.id}`;
    expect((await h.call('GET', path)).body.items[0].state).toBe('draft');
    expect(errorType((await h.call('POST', `${path}/action?op=enable`)).body)).toBe('FLOW-1422-400');
    expect((await h.call('POST', `${path}/action?op=publish`)).status).toBe(200);
    expect((await h.call('GET', path)).body.items[0].state).toBe('enabled');
  });
});

describe('flow updates and actions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.close());

  it('enables and disables in either case and refuses transitions from the wrong state (1422)', async () => {
    const { flowId } = await h.chain();
    const act = (op: string) => h.call('POST', `${FS}/flows/${flowId}/action?op=${op}`);
    const again = await act('enable');
    expect(again.status).toBe(400);
    expect(errorType(again.body)).toBe('FLOW-1422-400');
    expect(again.body.report['detailed-message']).toContain(
      'The action enable cannot be applied on the current state enabled',
    );
    const off = await act('DISABLE');
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ id: flowId, etag: expect.stringMatching(/^".+"$/) });
    // The disable passes through `disabling`: no action and no update applies meanwhile.
    const state = async () => (await h.call('GET', `${FS}/flows/${flowId}`)).body.items[0].state;
    expect(await state()).toBe('disabling');
    const during = await act('enable');
    expect(errorType(during.body)).toBe('FLOW-1422-400');
    expect(during.body.errorMessage).toContain('current state disabling');
    await h.advance(1_100, false);
    expect(await state()).toBe('disabled');
    expect(errorType((await act('disable')).body)).toBe('FLOW-1422-400');
    expect((await act('Enable')).status).toBe(200);
    expect(await state()).toBe('enabled-finalizing');
    await h.advance(1_100, false);
    expect(await state()).toBe('enabled');
    expect(errorType((await act('explode')).body)).toBe('FLOW-1453-400');
    expect(
      errorType((await h.call('POST', `${FS}/flows/${flowId}/action?op=disable&subOp=PROGRESS`)).body),
    ).toBe('FLOW-1436-400');
  });

  it('patches name, schedule and the mapping version, and validates what it patches', async () => {
    const ids = await h.chain({ startTime: String(Math.floor(Date.now() / 1000) + 86_400) });
    const path = `${FS}/flows/${ids.flowId}`;
    const etag = async () => (await h.call('GET', path)).body.items[0].etag as string;

    const put = await h.call('PUT', `/data/foundation/conversion/mappingSets/${ids.mappingId}`, {
      outputSchema: {
        schemaRef: { id: ids.schemaId, contentType: 'application/vnd.adobe.xed-full+json;version=1' },
      },
      mappings: [{ sourceType: 'ATTRIBUTE', source: 'data.event', destination: '_simtenant.event_name' }],
    });
    expect(put.body.version).toBe(1);

    const ok = await h.call(
      'PATCH',
      path,
      [
        { op: 'replace', path: '/scheduleParams/frequency', value: 'day' },
        { op: 'replace', path: '/scheduleParams/interval', value: 2 },
        { op: 'replace', path: '/name', value: 'New dataflow name' },
        {
          op: 'replace',
          path: '/transformations/1',
          value: { name: 'Mapping', params: { mappingId: ids.mappingId, mappingVersion: 1 } },
        },
      ],
      { 'if-match': await etag() },
    );
    expect(ok.status).toBe(200);
    const item = (await h.call('GET', path)).body.items[0];
    expect(item.name).toBe('New dataflow name');
    expect(item.scheduleParams.frequency).toBe('day');
    expect(item.scheduleParams.interval).toBe('2');
    // Adobe's own flow example keeps a Copy transformation before Mapping.
    expect(item.transformations.map((t: { name: string }) => t.name)).toEqual(['Copy', 'Mapping']);
    expect(item.transformations[1].params.mappingVersion).toBe('1');
    // Patching index 0 as if Mapping were first overwrites the Copy entry: two Mappings are refused.
    const blind = await h.call(
      'PATCH',
      path,
      [
        {
          op: 'replace',
          path: '/transformations/0',
          value: { name: 'Mapping', params: { mappingId: ids.mappingId, mappingVersion: 1 } },
        },
      ],
      { 'if-match': await etag() },
    );
    expect(errorType(blind.body)).toBe('FLOW-1459-400');
    // JSON Patch `replace` needs a value (RFC 6902); to `once`, interval and backfill must go.
    const noValue = await h.call('PATCH', path, [{ op: 'replace', path: '/scheduleParams/interval' }], {
      'if-match': await etag(),
    });
    expect(errorType(noValue.body)).toBe('FLOW-1455-400');
    const onceKeepingBackfill = await h.call(
      'PATCH',
      path,
      [
        { op: 'replace', path: '/scheduleParams/frequency', value: 'once' },
        { op: 'remove', path: '/scheduleParams/interval' },
      ],
      { 'if-match': await etag() },
    );
    expect(errorType(onceKeepingBackfill.body)).toBe('FLOW-1459-400');

    const badInterval = await h.call(
      'PATCH',
      path,
      [{ op: 'replace', path: '/scheduleParams', value: { startTime: 1, frequency: 'minute', interval: 5 } }],
      { 'if-match': await etag() },
    );
    expect(errorType(badInterval.body)).toBe('FLOW-1459-400');
    const badVersion = await h.call(
      'PATCH',
      path,
      [{ op: 'replace', path: '/transformations/1/params/mappingVersion', value: '7' }],
      { 'if-match': await etag() },
    );
    expect(errorType(badVersion.body)).toBe('FLOW-1412-400');
    const spec = await h.call(
      'PATCH',
      path,
      [{ op: 'replace', path: '/flowSpec', value: { id: FLOW_SPEC, version: '2.0' } }],
      { 'if-match': await etag() },
    );
    expect(errorType(spec.body)).toBe('FLOW-1414-400');
    const state = await h.call('PATCH', path, [{ op: 'replace', path: '/state', value: 'disabled' }], {
      'if-match': await etag(),
    });
    expect(errorType(state.body)).toBe('FLOW-1414-400');
  });

  it('lets startTime change before the scheduled start but not after it passed', async () => {
    const start = Math.floor(Date.now() / 1000) + 3600;
    const { flowId } = await h.chain({ startTime: start });
    const path = `${FS}/flows/${flowId}`;
    const etag = async () => (await h.call('GET', path)).body.items[0].etag as string;
    const early = await h.call(
      'PATCH',
      path,
      [{ op: 'replace', path: '/scheduleParams/startTime', value: start + 60 }],
      { 'if-match': await etag() },
    );
    expect(early.status).toBe(200);
    await h.advance(2 * 3600 * 1000);
    const late = await h.call(
      'PATCH',
      path,
      [{ op: 'replace', path: '/scheduleParams/startTime', value: start + 7200 }],
      { 'if-match': await etag() },
    );
    expect(errorType(late.body)).toBe('FLOW-1462-400');
  });
});
