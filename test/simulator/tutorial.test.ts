import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DATA_LAKE_SPEC, errorType, FLOW_SPEC, FS, Harness, MIXPANEL_SPEC } from './helpers.js';

describe("the Mixpanel tutorial's request sequence", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.close());

  it('runs end to end: base connection, explore, source, data lake target, mapping set, flow, disable and enable', async () => {
    const schemaId = await h.schema();
    expect(schemaId).toMatch(/^https:\/\/ns\.adobe\.com\/simtenant\/schemas\/[0-9a-f]+$/);
    const dataSetId = await h.dataset(schemaId);

    const base = await h.call('POST', `${FS}/connections`, {
      name: 'Mixpanel base connection',
      description: 'Mixpanel base connection to authenticate to Platform',
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      auth: {
        specName: 'Basic Authentication',
        params: { username: 'Test8.6d4ee7.mp-service-account', password: 'pw' },
      },
    });
    expect(base.status).toBe(201);
    expect(base.body.etag).toMatch(/^"[0-9a-f]{8}-0000-0200-0000-[0-9a-f]{8}0000"$/);
    expect(base.headers.get('location')).toBe(`${FS}/connections/${base.body.id}`);

    const sourceParams = Buffer.from(
      JSON.stringify({ projectId: '2671127', timezone: 'Pacific Standard Time' }),
    ).toString('base64');
    const explore = await h.call(
      'GET',
      `${FS}/connections/${base.body.id}/explore?objectType=rest&object=json&fileType=json&preview=true&sourceParams=${sourceParams}`,
    );
    expect(explore.status).toBe(200);
    expect(explore.body.format).toBe('hierarchical');
    expect(explore.body.schema.properties.properties.properties.$insert_id).toEqual({ type: 'string' });
    expect(explore.body.data.length).toBeGreaterThan(0);
    expect(explore.body.data[0]).toEqual(
      expect.objectContaining({
        event: expect.any(String),
        properties: expect.objectContaining({ distinct_id: expect.any(String) }),
      }),
    );

    const sourceId = await h.source(base.body.id, '2671127');
    const targetId = await h.target(dataSetId, schemaId);
    const mappingId = await h.mapping(schemaId);
    expect(mappingId).toMatch(/^[0-9a-f]{32}$/);

    const flow = await h.call('POST', `${FS}/flows`, h.flowBody(sourceId, targetId, mappingId));
    expect(flow.status).toBe(201);
    expect(flow.headers.get('location')).toBe(`${FS}/flows/${flow.body.id}`);

    const got = await h.call('GET', `${FS}/flows/${flow.body.id}`);
    expect(got.body.items).toHaveLength(1);
    const item = got.body.items[0];
    expect(item.state).toBe('enabled');
    // backfill defaults to true in the flow spec's scheduleSpec; Adobe's GET example shows it stored.
    expect(item.scheduleParams).toEqual({
      startTime: '1625040887',
      frequency: 'minute',
      interval: '15',
      backfill: 'true',
    });
    expect(item.inheritedAttributes.sourceConnections[0]).toEqual({
      id: sourceId,
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      baseConnection: { id: base.body.id, connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' } },
    });
    expect(item.inheritedAttributes.targetConnections[0]).toEqual({
      id: targetId,
      connectionSpec: { id: DATA_LAKE_SPEC, version: '1.0' },
    });
    expect(item.runs).toBe(`/runs?property=flowId==${flow.body.id}`);
    expect(item.etag).toBe(flow.body.etag);
    expect(item.version).toBe(flow.body.etag);

    const disabled = await h.call('POST', `${FS}/flows/${flow.body.id}/action?op=disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.etag).not.toBe(flow.body.etag);
    await h.advance(1_100, false); // past `disabling`
    const enabled = await h.call('POST', `${FS}/flows/${flow.body.id}/action?op=ENABLE`);
    expect(enabled.status).toBe(200);
    await h.advance(1_100, false); // past `enabled-finalizing`
    expect((await h.call('GET', `${FS}/flows/${flow.body.id}`)).body.items[0].state).toBe('enabled');
  });

  it('serves the three specs the chain uses', async () => {
    const mp = await h.call('GET', `${FS}/connectionSpecs/${MIXPANEL_SPEC}`);
    expect(mp.body.items[0].authSpec[0].name).toBe('Basic Authentication');
    const lake = await h.call('GET', `${FS}/connectionSpecs/${DATA_LAKE_SPEC}`);
    expect(lake.body.items[0].id).toBe(DATA_LAKE_SPEC);
    const flowSpec = await h.call('GET', `${FS}/flowSpecs/${FLOW_SPEC}`);
    expect(flowSpec.body.items[0]).toEqual(
      expect.objectContaining({
        name: 'RestStorageToAEP',
        targetConnectionSpecIds: [DATA_LAKE_SPEC],
        sourceConnectionSpecIds: [MIXPANEL_SPEC],
      }),
    );
    const unknown = await h.call('GET', `${FS}/connectionSpecs/00000000-0000-0000-0000-000000000000`);
    expect(unknown.status).toBe(404);
  });

  it("rejects the tutorial's target connection that sends the Mixpanel source spec id (1413)", async () => {
    const schemaId = await h.schema();
    const dataSetId = await h.dataset(schemaId);
    const r = await h.call('POST', `${FS}/targetConnections`, {
      name: 'Target',
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      data: { format: 'json' },
      params: { dataSetId },
    });
    expect(r.status).toBe(400);
    expect(errorType(r.body)).toBe('FLOW-1413-400');
  });

  it("accepts the tutorial's json-format target connection without data.schema", async () => {
    const schemaId = await h.schema();
    const dataSetId = await h.dataset(schemaId);
    const r = await h.call('POST', `${FS}/targetConnections`, {
      name: 'Target',
      connectionSpec: { id: DATA_LAKE_SPEC, version: '1.0' },
      data: { format: 'json' },
      params: { dataSetId },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBeNull();
  });

  it('refuses a connection spec it does not know (1413) and a wrong auth spec name (1415)', async () => {
    const unknown = await h.call('POST', `${FS}/connections`, {
      name: 'x',
      connectionSpec: { id: '11111111-2222-3333-4444-555555555555', version: '1.0' },
      auth: { specName: 'Basic Authentication', params: { username: 'u', password: 'p' } },
    });
    expect(errorType(unknown.body)).toBe('FLOW-1413-400');
    const wrongAuth = await h.call('POST', `${FS}/connections`, {
      name: 'x',
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      auth: { specName: 'OAuth2', params: { token: 't' } },
    });
    expect(errorType(wrongAuth.body)).toBe('FLOW-1415-400');
  });

  it('requires projectId and timezone on a Mixpanel source connection and json as its format', async () => {
    const baseId = await h.base();
    const noTz = await h.call('POST', `${FS}/sourceConnections`, {
      name: 's',
      baseConnectionId: baseId,
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      data: { format: 'json' },
      params: { projectId: '1' },
    });
    expect(noTz.status).toBe(400);
    expect(noTz.body.report['detailed-message']).toContain('params.timezone');
    const csv = await h.call('POST', `${FS}/sourceConnections`, {
      name: 's',
      baseConnectionId: baseId,
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      data: { format: 'delimited' },
      params: { projectId: '1', timezone: 'UTC' },
    });
    expect(csv.status).toBe(400);
  });

  it('refuses a source connection on a base connection that does not exist', async () => {
    const r = await h.call('POST', `${FS}/sourceConnections`, {
      name: 's',
      baseConnectionId: '7f000000-0000-4000-8000-000000000000',
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      data: { format: 'json' },
      params: { projectId: '1', timezone: 'UTC' },
    });
    expect(errorType(r.body)).toBe('FLOW-1439-400');
  });

  it('answers explore with a provider error for credentials or projects marked invalid', async () => {
    const baseId = await h.base('bad.user');
    const params = (projectId: string) =>
      Buffer.from(JSON.stringify({ projectId, timezone: 'UTC' })).toString('base64');
    const path = (p: string) =>
      `${FS}/connections/${baseId}/explore?objectType=rest&object=json&fileType=json&preview=true&sourceParams=${params(p)}`;
    expect((await h.call('GET', path('1'))).status).toBe(200);

    // Adobe's wording for a REST provider's refusal (EN oracle-netsuite-activities.md), HTTP status inside.
    await h.control('POST', 'mixpanel', { invalidUsernames: ['bad.user'] });
    const creds = await h.call('GET', path('1'));
    expect(creds.status).toBe(400);
    expect(errorType(creds.body)).toBe('FLOW-1100-400');
    expect(creds.body.errorMessage).toBe(
      'The request could not be processed. Error from flow provider: The request could not be processed. Rest call failed with client error, status code 401 Unauthorized, please check your activity settings.',
    );
    expect(JSON.stringify(creds.body)).not.toContain('s3cret');

    await h.control('POST', 'mixpanel', { invalidUsernames: [], invalidProjectIds: ['404'] });
    const project = await h.call('GET', path('404'));
    expect(project.body.errorMessage).toContain('status code 400 BadRequest');
    expect((await h.call('GET', path('1'))).status).toBe(200);
    await h.control('POST', 'mixpanel', { invalidProjectIds: [], unavailableProjectIds: ['503'] });
    const other = await h.call('GET', path('503'));
    expect(other.body.errorMessage).toBe(
      'The request could not be processed. Error from flow provider: Unknown error while processing request.',
    );
    await h.control('POST', 'mixpanel', { unavailableProjectIds: [] });
  });

  it('rejects explore without valid sourceParams', async () => {
    const baseId = await h.base();
    const r = await h.call(
      'GET',
      `${FS}/connections/${baseId}/explore?objectType=rest&object=json&fileType=json&preview=true&sourceParams=notbase64json`,
    );
    expect(errorType(r.body)).toBe('FLOW-1453-400');
  });

  it('never echoes the base connection password but keeps it for explore', async () => {
    const baseId = await h.base('keeper');
    const got = await h.call('GET', `${FS}/connections/${baseId}`);
    expect(got.body.items[0].auth.params).toEqual({ username: 'keeper', password: '********' });
    const list = await h.call('GET', `${FS}/connections?property=id==${baseId}`);
    expect(JSON.stringify(list.body)).not.toContain('s3cret');
    const state = await h.control('GET', 'state');
    expect(JSON.stringify(state.body)).not.toContain('s3cret');
  });
});

describe('spec lists', () => {
  it('filter by name like the documented connectionSpecs?property=name=="…" lookup', async () => {
    const h = await Harness.start();
    try {
      const r = await h.call('GET', `${FS}/connectionSpecs?property=name=="mixpanel"`);
      expect(r.body.items.map((i: { id: string }) => i.id)).toEqual([MIXPANEL_SPEC]);
      const flows = await h.call('GET', `${FS}/flowSpecs?property=name==RestStorageToAEP`);
      expect(flows.body.items.map((i: { id: string }) => i.id)).toEqual([FLOW_SPEC]);
    } finally {
      await h.close();
    }
  });
});
