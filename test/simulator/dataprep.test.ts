import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Harness } from './helpers.js';

const DP = '/data/foundation/conversion/mappingSets';

describe('Data Prep mapping sets', () => {
  let h: Harness;
  let schemaId: string;
  beforeAll(async () => {
    h = await Harness.start();
    schemaId = await h.schema();
  });
  afterAll(() => h.close());

  const outputSchema = () => ({
    schemaRef: { id: schemaId, contentType: 'application/vnd.adobe.xed-full+json;version=1' },
  });

  it('creates with the Data Prep guide style: 200, 32-hex id, version 0', async () => {
    const r = await h.call('POST', DP, {
      outputSchema: outputSchema(),
      mappings: [
        {
          sourceType: 'ATTRIBUTE',
          source: 'id',
          destination: '_id',
          name: 'id',
          description: 'Identifier field',
        },
        { sourceType: 'EXPRESSION', source: 'lower(event)', destination: '_simtenant.event_name' },
        { sourceType: 'STATIC', source: 'mixpanel', destination: '_simtenant.origin' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      version: 0,
      createdDate: expect.any(Number),
      modifiedDate: expect.any(Number),
      createdBy: expect.any(String),
      modifiedBy: expect.any(String),
    });
    const got = await h.call('GET', `${DP}/${r.body.id}`);
    expect(got.body.mappings.map((m: { sourceType: string }) => m.sourceType)).toEqual([
      'text/x.schema-path',
      'text/x.aep-xl',
      'text/plain',
    ]);
    expect(got.body.mappings[0]).toEqual(
      expect.objectContaining({
        source: 'id',
        destination: '_id',
        sourceAttribute: 'id',
        destinationXdmPath: '_id',
        name: 'id',
      }),
    );
    expect(got.body).toEqual(
      expect.objectContaining({
        xdmSchema: schemaId,
        schemaRef: outputSchema().schemaRef,
        status: 'PUBLISHED',
        supportVersion: '1.1',
      }),
    );
  });

  it("creates with the source tutorials' xdmSchema style", async () => {
    const r = await h.call('POST', DP, {
      version: 0,
      xdmSchema: schemaId,
      xdmVersion: '1.0',
      id: null,
      mappings: [
        { sourceType: 'ATTRIBUTE', source: 'data.distinct_id', destination: '_simtenant.distinct_id' },
      ],
    });
    expect(r.status).toBe(200);
    expect((await h.call('GET', `${DP}/${r.body.id}`)).body.outputSchema.schemaRef.id).toBe(schemaId);
  });

  it('bumps the version on PUT and keeps every version readable with ?version=', async () => {
    const id = await h.mapping(schemaId);
    const put = await h.call('PUT', `${DP}/${id}`, {
      outputSchema: outputSchema(),
      mappings: [{ sourceType: 'ATTRIBUTE', source: 'data.event', destination: '_simtenant.event' }],
    });
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(1);
    const put2 = await h.call('PUT', `${DP}/${id}`, {
      outputSchema: outputSchema(),
      mappings: [{ sourceType: 'text/x.schema-path', source: 'data.time', destination: '_simtenant.time' }],
    });
    expect(put2.body.version).toBe(2);
    // DP-OAS: `version` defaults to 0, so a GET without it answers the first version, not the latest.
    expect((await h.call('GET', `${DP}/${id}`)).body.version).toBe(0);
    expect((await h.call('GET', `${DP}/${id}?version=2`)).body.version).toBe(2);
    const v0 = await h.call('GET', `${DP}/${id}?version=0`);
    expect(v0.body.mappings[0].source).toBe('data.distinct_id');
    const v1 = await h.call('GET', `${DP}/${id}?version=1`);
    expect(v1.body.mappings[0].source).toBe('data.event');
    expect((await h.call('GET', `${DP}/${id}?version=9`)).status).toBe(404);
  });

  it('rejects an unknown sourceType and an output schema that does not exist', async () => {
    const badType = await h.call('POST', DP, {
      outputSchema: outputSchema(),
      mappings: [{ sourceType: 'COLUMN', source: 'a', destination: 'b' }],
    });
    expect(badType.status).toBe(400);
    expect(badType.body.type).toBe('https://ns.adobe.com/aep/errors/MAPPER-1002-400');
    const noSchema = await h.call('POST', DP, {
      xdmSchema: 'https://ns.adobe.com/simtenant/schemas/missing',
      mappings: [{ sourceType: 'ATTRIBUTE', source: 'a', destination: 'b' }],
    });
    expect(noSchema.status).toBe(400);
    expect(noSchema.body.type).toBe('https://ns.adobe.com/aep/errors/MAPPER-1003-400');
    expect((await h.call('GET', `${DP}/${'0'.repeat(32)}`)).status).toBe(404);
  });

  it('validates mappings one entry per mapping', async () => {
    const r = await h.call('POST', `${DP}/validate`, {
      outputSchema: outputSchema(),
      mappings: [
        { sourceType: 'ATTRIBUTE', source: 'a', destination: 'b' },
        { sourceType: 'NOPE', source: 'a', destination: 'b' },
      ],
    });
    expect(r.body.validationResponse.map((v: { status: string }) => v.status)).toEqual(['SUCCESS', 'FAILED']);
  });
});

describe('Catalog and Schema Registry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ tenantId: 'acme' });
  });
  afterAll(() => h.close());

  it('reports the tenant id in /stats and builds schema ids from it', async () => {
    const stats = await h.call('GET', '/data/foundation/schemaregistry/stats');
    expect(stats.body).toEqual(expect.objectContaining({ tenantId: 'acme', imsOrg: h.orgId }));
    const id = await h.schema('Events');
    expect(id).toMatch(/^https:\/\/ns\.adobe\.com\/acme\/schemas\/[0-9a-f]+$/);
    const byId = await h.call(
      'GET',
      `/data/foundation/schemaregistry/tenant/schemas/${encodeURIComponent(id)}`,
      undefined,
      {
        accept: 'application/vnd.adobe.xed+json; version=1',
      },
    );
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(
      expect.objectContaining({
        $id: id,
        'meta:class': 'https://ns.adobe.com/xdm/context/experienceevent',
        'meta:containerId': 'tenant',
        version: '1.0',
      }),
    );
    const byAlt = await h.call(
      'GET',
      `/data/foundation/schemaregistry/tenant/schemas/${byId.body['meta:altId']}`,
    );
    expect(byAlt.body.$id).toBe(id);
    const list = await h.call('GET', '/data/foundation/schemaregistry/tenant/schemas');
    expect(list.body.results.map((r: { $id: string }) => r.$id)).toContain(id);
  });

  it('refuses a schema without exactly one class', async () => {
    const r = await h.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
      title: 'x',
      type: 'object',
      allOf: [{ $ref: 'https://ns.adobe.com/acme/mixins/abc' }],
    });
    expect(r.status).toBe(400);
  });

  it('creates datasets with 201 ["@/dataSets/<id>"] and returns them keyed by id', async () => {
    const schemaId = await h.schema('DS');
    const r = await h.call('POST', '/data/foundation/catalog/dataSets', {
      name: 'Mixpanel events',
      schemaRef: { id: schemaId, contentType: 'application/vnd.adobe.xed+json;version=1' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual([expect.stringMatching(/^@\/dataSets\/[0-9a-f]{24}$/)]);
    const id = r.body[0].slice('@/dataSets/'.length);
    const got = await h.call('GET', `/data/foundation/catalog/dataSets/${id}`);
    expect(Object.keys(got.body)).toEqual([id]);
    expect(got.body[id]).toEqual(
      expect.objectContaining({
        name: 'Mixpanel events',
        schemaRef: { id: schemaId, contentType: 'application/vnd.adobe.xed+json;version=1' },
      }),
    );
    expect((await h.call('GET', '/data/foundation/catalog/dataSets/000000000000000000000000')).status).toBe(
      404,
    );
    const noSchema = await h.call('POST', '/data/foundation/catalog/dataSets', {
      name: 'x',
      schemaRef: { id: 'https://ns.adobe.com/acme/schemas/none' },
    });
    expect(noSchema.status).toBe(400);
  });
});
