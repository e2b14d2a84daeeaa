import { describe, expect, it } from '@jest/globals';
import {
  ConnectionSchema,
  DatasetLookupSchema,
  FlowSchema,
  MappingSetSchema,
  PatchResultSchema,
  RunSchema,
  listPageSchema,
} from '../../controller/flowservice/schemas.js';
import { nextToken, singleItem } from '../../controller/flowservice/resource.js';

// Shaped after the GET example in Adobe's update-dataflows guide.
const documentedFlow = {
  id: '2edc08ac-4df5-4fe6-936f-81a19ce92f5c',
  createdAt: 1612310475551,
  name: 'Test Flow',
  flowSpec: { id: '6499120c-0b15-42dc-936e-847ea3c24d72', version: '1.0' },
  state: 'enabled',
  version: '"1a0037e4-0000-0200-0000-602e06f60000"',
  etag: '"1a0037e4-0000-0200-0000-602e06f60000"',
  sourceConnectionIds: ['s1'],
  targetConnectionIds: ['t1'],
  inheritedAttributes: { sourceConnections: [], targetConnections: [] },
  scheduleParams: { startTime: '1612310466', frequency: 'minute', interval: '15', backfill: 'true' },
  transformations: [{ name: 'Mapping', params: { mappingId: 'abc', mappingVersion: '0' } }],
  runs: '/flows/2edc08ac/runs',
  lastOperation: { started: 1, updated: 0, operation: 'create' },
  somethingAdobeAddsLater: { nested: true },
};

describe('response schemas', () => {
  it('normalises scheduleParams sent as strings to numbers and booleans', () => {
    const flow = FlowSchema.parse(documentedFlow);
    expect(flow.scheduleParams).toEqual({
      startTime: 1612310466,
      frequency: 'minute',
      interval: 15,
      backfill: true,
    });
  });

  it('reads mappingVersion as a number whether Adobe sends "0" or 2', () => {
    expect(FlowSchema.parse(documentedFlow).transformations[0]?.params.mappingVersion).toBe(0);
    const numeric = {
      ...documentedFlow,
      transformations: [{ name: 'Mapping', params: { mappingId: 'a', mappingVersion: 2 } }],
    };
    expect(FlowSchema.parse(numeric).transformations[0]?.params.mappingVersion).toBe(2);
  });

  it('keeps fields it does not know about', () => {
    const flow = FlowSchema.parse(documentedFlow) as Record<string, unknown>;
    expect(flow.somethingAdobeAddsLater).toEqual({ nested: true });
    expect(flow.runs).toBe('/flows/2edc08ac/runs');
  });

  it('keeps the etag exactly as Adobe sent it, quotes included', () => {
    expect(FlowSchema.parse(documentedFlow).etag).toBe('"1a0037e4-0000-0200-0000-602e06f60000"');
  });

  it('takes the etag from version when etag is missing', () => {
    const { etag: _e, ...withoutEtag } = documentedFlow;
    expect(FlowSchema.parse(withoutEtag).etag).toBe(documentedFlow.version);
  });

  it('unwraps a single GET answered as {items:[…]} and accepts a bare item too', () => {
    const schema = singleItem(FlowSchema);
    expect(schema.parse({ items: [documentedFlow] })?.id).toBe(documentedFlow.id);
    expect(schema.parse(documentedFlow)?.id).toBe(documentedFlow.id);
    expect(schema.parse({ items: [] })).toBeUndefined();
  });

  it('reads a PATCH result as {id, etag} or as the list response FS-OAS declares', () => {
    expect(PatchResultSchema.parse({ id: 'a', etag: '"2"' })).toEqual({ id: 'a', etag: '"2"' });
    expect(PatchResultSchema.parse({ items: [{ id: 'a', etag: '"3"', name: 'n' }] })).toMatchObject({
      id: 'a',
      etag: '"3"',
    });
  });

  it('reads a connection whose secret params are masked or missing', () => {
    const c = ConnectionSchema.parse({
      id: 'c',
      etag: '"1"',
      connectionSpec: { id: 'fd2c8ff3-1de0-4f6b-8fa8-4264784870eb', version: '1.0' },
      auth: { specName: 'Basic Authentication', params: { username: 'u', password: '{PASSWORD}' } },
    });
    expect(c.auth?.specName).toBe('Basic Authentication');
    expect(ConnectionSchema.safeParse({ id: 'c', etag: '"1"', connectionSpec: { id: 'x' } }).success).toBe(
      true,
    );
  });

  it('reads a run with string counters and either etag spelling', () => {
    const run = RunSchema.parse({
      id: 'r',
      flowId: 'f',
      eTag: '"e"',
      metrics: {
        recordSummary: { inputRecordCount: '10', outputRecordCount: 9, failedRecordCount: 1 },
        statusSummary: { status: 'success' },
      },
      activities: [{ id: 'copyActivity' }],
    });
    expect(run.metrics?.recordSummary?.inputRecordCount).toBe(10);
    expect(run.eTag).toBe('"e"');
  });

  it('reads a list page with or without next link', () => {
    const page = listPageSchema(RunSchema);
    const parsed = page.parse({
      items: [{ id: 'r' }],
      _links: { next: { href: '/runs?continuationToken=abc%3D&property=flowId%3D%3Df' } },
    });
    expect(nextToken(parsed._links?.next?.href)).toBe('abc=');
    expect(nextToken(page.parse({ items: [], _links: {} })._links?.next?.href)).toBeUndefined();
  });

  it('reads an empty page without items, but refuses a document that is no page at all', () => {
    const page = listPageSchema(RunSchema);
    expect(page.parse({ _links: {} }).items).toEqual([]);
    expect(page.parse({ count: 0 }).items).toEqual([]);
    expect(page.safeParse({}).success).toBe(false);
    expect(page.safeParse({ unexpected: true, id: 42 }).success).toBe(false);
    expect(page.safeParse('<html>').success).toBe(false);
  });

  it('reads a mapping set whose version arrives as a string', () => {
    expect(MappingSetSchema.parse({ id: 'm', version: '1', mappings: [] }).version).toBe(1);
  });

  it('reads a Catalog lookup keyed by dataset id', () => {
    const res = DatasetLookupSchema.parse({
      '5ba9452c7de80400007fc52a': {
        name: 'ds',
        schemaRef: { id: 'https://ns.adobe.com/x/schemas/y' },
        files: '@/dataSetFiles',
      },
    });
    expect(res['5ba9452c7de80400007fc52a']?.schemaRef?.id).toBe('https://ns.adobe.com/x/schemas/y');
  });

  it('rejects a flow without an id', () => {
    expect(FlowSchema.safeParse({ ...documentedFlow, id: undefined }).success).toBe(false);
  });
});
