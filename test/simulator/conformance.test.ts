import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ValidateFunction } from 'ajv';
import { DATA_LAKE_SPEC, FLOW_SPEC, FS, Harness, MIXPANEL_SPEC } from './helpers.js';
import type { z } from 'zod';
import {
  ConnectionSchema,
  ConnectionSpecSchema,
  FlowSchema,
  FlowSpecSchema,
  IdEtagSchema,
  listPageSchema,
  MappingSetSchema,
  RunSchema,
  singleRun,
  SourceConnectionSchema,
  TargetConnectionSchema,
} from '../../controller/flowservice/schemas.js';
import { singleItem } from '../../controller/flowservice/resource.js';
import { DEVIATIONS, describeWithOpenApi, loadValidators } from './openapi.js';

function conforms(v: ValidateFunction, body: unknown): void {
  const ok = v(body);
  expect(ok ? [] : v.errors).toEqual([]);
}

/** The documented Flow Service error body (EN labels.md); the OAS declares no error schema. */
const ERROR_BODY = {
  type: 'object',
  required: ['type', 'title', 'status', 'report', 'errorMessage'],
  properties: {
    type: { type: 'string', pattern: '^https://ns\\.adobe\\.com/aep/errors/FLOW-\\d{4}-\\d{3}$' },
    title: { type: 'string' },
    status: { type: 'integer' },
    report: {
      type: 'object',
      required: ['detailed-message'],
      properties: { 'detailed-message': { type: 'string' } },
    },
    errorMessage: { type: 'string' },
  },
};

/** Parses with one of the client's zod schemas (written by us from Adobe's docs); lists what failed. */
function shaped(schema: z.ZodType, body: unknown): void {
  const r = schema.safeParse(body);
  expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
}

let h: Harness;
let ids: Awaited<ReturnType<Harness['chain']>>;

beforeAll(async () => {
  h = await Harness.start();
  ids = await h.chain({ startTime: Math.floor(Date.now() / 1000), backfill: true });
  await h.control('POST', 'runs', { flowId: ids.flowId, outcomes: [{ status: 'failed' }] });
  await h.advance(31 * 60_000);
});
afterAll(() => h?.close());

// The project's own response shapes: always checked, with nothing beside the clone.
describe('responses in the shapes the client reads (our zod schemas)', () => {
  it.each([
    ['connections', ConnectionSchema, () => ids.baseId],
    ['sourceConnections', SourceConnectionSchema, () => ids.sourceId],
    ['targetConnections', TargetConnectionSchema, () => ids.targetId],
    ['flows', FlowSchema, () => ids.flowId],
  ] as const)('GET /%s/{id} and the list parse', async (path, schema, id) => {
    const one = await h.call('GET', `${FS}/${path}/${id()}`);
    shaped(singleItem(schema as z.ZodType), one.body);
    expect(one.body.items).toHaveLength(1);
    shaped(listPageSchema(schema as z.ZodType), (await h.call('GET', `${FS}/${path}?limit=1`)).body);
  });

  it('run lists, runs and an ad-hoc run parse', async () => {
    const r = await h.call('GET', `${FS}/runs?property=flowId==${ids.flowId}&orderby=-createdAt`);
    expect(r.body.items.length).toBeGreaterThanOrEqual(2);
    shaped(listPageSchema(RunSchema), r.body);
    expect(r.body._links).toBeDefined();
    const once = await h.chain({
      startTime: Math.floor(Date.now() / 1000) + 86_400,
      frequency: 'once',
      interval: undefined,
      backfill: undefined,
    });
    shaped(singleRun, (await h.call('POST', `${FS}/runs`, { flowId: once.flowId })).body);
  });

  it('creates answer {id, etag} and specs and mapping sets parse', async () => {
    const base = await h.call('POST', `${FS}/connections`, {
      name: 'shape',
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      auth: { specName: 'Basic Authentication', params: { username: 'u', password: 'p' } },
    });
    shaped(IdEtagSchema, base.body);
    shaped(
      singleItem(ConnectionSpecSchema),
      (await h.call('GET', `${FS}/connectionSpecs/${MIXPANEL_SPEC}`)).body,
    );
    shaped(singleItem(FlowSpecSchema), (await h.call('GET', `${FS}/flowSpecs/${FLOW_SPEC}`)).body);
    const set = await h.call('GET', `/data/foundation/conversion/mappingSets/${ids.mappingId}?version=0`);
    shaped(MappingSetSchema, set.body);
  });

  it('error bodies follow the documented Flow Service error shape', async () => {
    const { Ajv } = await import('ajv');
    const v = new Ajv({ strict: false }).compile(ERROR_BODY);
    const notFound = await h.call('GET', `${FS}/flows/00000000-0000-4000-8000-000000000000`);
    const noIfMatch = await h.call('PATCH', `${FS}/flows/${ids.flowId}`, [
      { op: 'replace', path: '/name', value: 'x' },
    ]);
    const badSort = await h.call('GET', `${FS}/flows?orderby=nope`);
    for (const r of [notFound, noIfMatch, badSort]) conforms(v, r.body);
  });
});

describeWithOpenApi("conformance with Adobe's OpenAPI files", () => {
  let fs: ReturnType<typeof loadValidators>;
  let dp: ReturnType<typeof loadValidators>;

  beforeAll(() => {
    fs = loadValidators('flow-service.yaml');
    dp = loadValidators('data-prep.yaml');
  });

  it('finds every recorded OAS/doc deviation still present in the OAS', () => {
    const checked = [...fs.deviationsChecked, ...dp.deviationsChecked];
    expect(checked.sort()).toEqual(DEVIATIONS.map((d) => d.pointer).sort());
  });

  it.each([
    ['connections', 'ConnectionListResponse', () => ids.baseId],
    ['sourceConnections', 'SourceConnectionsListResponse', () => ids.sourceId],
    ['targetConnections', 'TargetConnectionsListResponse', () => ids.targetId],
    ['flows', 'FlowListResponse', () => ids.flowId],
  ])('GET /%s/{id} matches %s', async (path, schema, id) => {
    const r = await h.call('GET', `${FS}/${path}/${id()}`);
    expect(r.status).toBe(200);
    conforms(fs.validator(schema), r.body);
  });

  it('flow items carry lastRunDetails that match FlowItemDTO', async () => {
    const item = (await h.call('GET', `${FS}/flows/${ids.flowId}`)).body.items[0];
    expect(item.lastRunDetails).toBeDefined();
    conforms(fs.validator('FlowItemDTO'), item);
  });

  it('list responses with a next page match FlowListResponse and ConnectionListResponse', async () => {
    await h.base('second');
    const conns = await h.call('GET', `${FS}/connections?limit=1`);
    expect(conns.body._links.next).toBeDefined();
    conforms(fs.validator('ConnectionListResponse'), conns.body);
    conforms(fs.validator('PageLinksResponse'), conns.body._links);
    conforms(fs.validator('FlowListResponse'), (await h.call('GET', `${FS}/flows?limit=1`)).body);
  });

  it('run lists match FlowRunsListResponse', async () => {
    const r = await h.call('GET', `${FS}/runs?property=flowId==${ids.flowId}&orderby=-createdAt`);
    expect(r.body.items.length).toBeGreaterThanOrEqual(2);
    conforms(fs.validator('FlowRunsListResponse'), r.body);
    conforms(fs.validator('FlowRunItemDTO'), r.body.items[0]);
  });

  it('create responses match the Create*Response schemas', async () => {
    const base = await h.call('POST', `${FS}/connections`, {
      name: 'c',
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      auth: { specName: 'Basic Authentication', params: { username: 'u', password: 'p' } },
    });
    conforms(fs.validator('CreateConnectionResponse'), base.body);
    const source = await h.call('POST', `${FS}/sourceConnections`, {
      name: 's',
      baseConnectionId: base.body.id,
      connectionSpec: { id: MIXPANEL_SPEC, version: '1.0' },
      data: { format: 'json' },
      params: { projectId: '1', timezone: 'UTC' },
    });
    conforms(fs.validator('CreateSourceConnectionResponse'), source.body);
    const target = await h.call('POST', `${FS}/targetConnections`, {
      name: 't',
      connectionSpec: { id: DATA_LAKE_SPEC, version: '1.0' },
      data: { format: 'parquet_xdm' },
      params: { dataSetId: ids.dataSetId },
    });
    conforms(fs.validator('CreateTargetConnectionResponse'), target.body);
    const flow = await h.call(
      'POST',
      `${FS}/flows`,
      h.flowBody(source.body.id, target.body.id, ids.mappingId),
    );
    conforms(fs.validator('CreateFlowResponse'), flow.body);
  });

  it('spec lookups match ConnectionSpecResponse and FlowSpecResponse', async () => {
    conforms(
      fs.validator('ConnectionSpecResponse'),
      (await h.call('GET', `${FS}/connectionSpecs/${MIXPANEL_SPEC}`)).body,
    );
    conforms(fs.validator('FlowSpecResponse'), (await h.call('GET', `${FS}/flowSpecs/${FLOW_SPEC}`)).body);
  });

  it('mapping sets match the Data Prep MappingSet schema', async () => {
    const got = await h.call('GET', `/data/foundation/conversion/mappingSets/${ids.mappingId}?version=0`);
    conforms(dp.validator('MappingSet'), got.body);
    const created = await h.call('POST', '/data/foundation/conversion/mappingSets', {
      outputSchema: {
        schemaRef: { id: ids.schemaId, contentType: 'application/vnd.adobe.xed-full+json;version=1' },
      },
      mappings: [{ sourceType: 'ATTRIBUTE', source: 'a', destination: 'b' }],
    });
    conforms(dp.validator('MappingSet'), created.body);
  });
});
