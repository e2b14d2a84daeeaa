import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { propertyFilter, type FlowServiceClient } from '../../controller/flowservice/index.js';
import { expectUndocumented } from '../support/contract-check.js';
import {
  captureLogger,
  clientFor,
  seedSchemaAndDataset,
  SPECS,
  startHarness,
  TRANSITION_MS,
  XDM_FULL,
  type SimHarness,
} from './sim-harness.js';

let h: SimHarness;
let client: FlowServiceClient;
let schemaId: string;
let datasetId: string;
const log = captureLogger();
void log;

beforeAll(async () => {
  h = await startHarness();
  client = clientFor(h, {}, { logger: log.logger }).client;
  ({ schemaId, datasetId } = await seedSchemaAndDataset(h));
});

afterAll(async () => {
  await client.close();
  await h.close();
});

const MIXPANEL_PASSWORD = 'mixpanel-service-account-secret';

function newBaseConnection(name: string) {
  return client.connections.create({
    name,
    auth: { specName: 'Basic Authentication', params: { username: 'svc.user', password: MIXPANEL_PASSWORD } },
    connectionSpec: { id: SPECS.mixpanelSource, version: '1.0' },
  });
}

async function newChain(prefix: string) {
  const base = await newBaseConnection(`${prefix}-base`);
  const [source, target, mapping] = await Promise.all([
    client.sourceConnections.create({
      name: `${prefix}-source`,
      baseConnectionId: base.id,
      connectionSpec: { id: SPECS.mixpanelSource, version: '1.0' },
      data: { format: 'json' },
      params: { projectId: '2384945', timezone: 'Pacific Standard Time' },
    }),
    client.targetConnections.create({
      name: `${prefix}-target`,
      connectionSpec: { id: SPECS.dataLakeTarget, version: '1.0' },
      data: { format: 'parquet_xdm', schema: { id: schemaId, version: XDM_FULL } },
      params: { dataSetId: datasetId },
    }),
    client.mappingSets.create({
      outputSchema: { schemaRef: { id: schemaId, contentType: XDM_FULL } },
      mappings: [{ sourceType: 'ATTRIBUTE', source: 'distinct_id', destination: '_simtenant.distinct_id' }],
    }),
  ]);
  const flow = await client.flows.create({
    name: `${prefix}-flow`,
    flowSpec: { id: SPECS.restToAep, version: '1.0' },
    sourceConnectionIds: [source.id],
    targetConnectionIds: [target.id],
    transformations: [
      { name: 'Mapping', params: { mappingId: mapping.id, mappingVersion: mapping.version } },
    ],
    scheduleParams: { startTime: Math.floor(Date.now() / 1000) + 3600, frequency: 'minute', interval: 15 },
  });
  return { base, source, target, mapping, flow };
}

describe('base connections', () => {
  it('creates a connection and reads it back with the quoted etag Adobe returned', async () => {
    const created = await newBaseConnection('conn-read');
    expect(created.etag).toMatch(/^".+"$/);
    const read = await client.connections.get(created.id);
    expect(read).toMatchObject({ id: created.id, name: 'conn-read', etag: created.etag });
    expect(read.connectionSpec.id).toBe(SPECS.mixpanelSource);
  });

  it('never gets the Mixpanel password back', async () => {
    const created = await newBaseConnection('conn-secret');
    const read = await client.connections.get(created.id);
    expect(JSON.stringify(read)).not.toContain(MIXPANEL_PASSWORD);
  });

  it('patches with If-Match and returns a new etag', async () => {
    const created = await newBaseConnection('conn-patch');
    const patched = await client.connections.patch(created.id, created.etag, [
      { op: 'replace', path: '/name', value: 'conn-patched' },
    ]);
    expect(patched.id).toBe(created.id);
    expect(patched.etag).not.toBe(created.etag);
    expect((await client.connections.get(created.id)).name).toBe('conn-patched');
  });

  it('fails a patch with a stale etag as precondition-failed (412)', async () => {
    const created = await newBaseConnection('conn-stale');
    await client.connections.patch(created.id, created.etag, [
      { op: 'replace', path: '/description', value: 'x' },
    ]);
    const stale = client.connections.patch(created.id, created.etag, [
      { op: 'replace', path: '/description', value: 'y' },
    ]);
    await expect(stale).rejects.toMatchObject({
      kind: 'precondition-failed',
      status: 412,
      code: 'FLOWSERVICE_PRECONDITION_FAILED',
    });
  });

  it('rejects a change of connection spec as a validation error carrying Adobe code and message', async () => {
    expectUndocumented('a patch of /connectionSpec, to see Adobe refuse it (1414)', (p) =>
      p.includes('patch path /connectionSpec/id is not documented'),
    );
    const created = await newBaseConnection('conn-immutable');
    const err = await client.connections
      .patch(created.id, created.etag, [
        { op: 'replace', path: '/connectionSpec/id', value: SPECS.dataLakeTarget },
      ])
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'validation', status: 400, retryable: false });
    expect((err as { adobeCode: string }).adobeCode).toMatch(/^FLOW-\d+-400$/);
    expect((err as { adobeMessage?: string }).adobeMessage).toBeTruthy();
  });

  it('finds a connection by name with a property filter, and counts matches', async () => {
    await newBaseConnection('conn-findme');
    const page = await client.connections.list({ property: [propertyFilter('name', 'conn-findme')] });
    expect(page.items.map((c) => c.name)).toEqual(['conn-findme']);
    expect(
      await client.connections.count({ property: [propertyFilter('name', 'conn-findme', 'conn-read')] }),
    ).toBe(2);
  });

  it('pages through a list with continuation tokens', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await newBaseConnection(n);
    const filter = {
      property: [propertyFilter('name', 'page-a', 'page-b', 'page-c')],
      limit: 2,
      orderby: 'name',
    };
    const first = await client.connections.list(filter);
    expect(first.items).toHaveLength(2);
    expect(first.continuationToken).toBeDefined();
    const pages = [];
    for await (const p of client.connections.pages(filter)) pages.push(p.items.map((c) => c.name));
    expect(pages).toEqual([['page-a', 'page-b'], ['page-c']]);
    expect((await client.connections.listAll(filter)).map((c) => c.name)).toEqual([
      'page-a',
      'page-b',
      'page-c',
    ]);
  });

  it('previews Mixpanel data through explore', async () => {
    const created = await newBaseConnection('conn-explore');
    const preview = await client.connections.explore(created.id, {
      objectType: 'rest',
      object: 'json',
      fileType: 'json',
      preview: true,
      sourceParams: { projectId: '2384945', timezone: 'Pacific Standard Time' },
    });
    expect(preview).toMatchObject({ format: 'hierarchical' });
  });

  it('deletes a connection, after which it is not found (404)', async () => {
    const created = await newBaseConnection('conn-delete');
    await client.connections.delete(created.id);
    await expect(client.connections.get(created.id)).rejects.toMatchObject({
      kind: 'not-found',
      status: 404,
    });
    await expect(client.connections.delete(created.id)).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('the whole chain', () => {
  it('creates source, target, mapping set and flow, and reads the flow with normalised types', async () => {
    const { source, target, mapping, flow } = await newChain('chain');
    expect(mapping.version).toBe(0);
    const read = await client.flows.get(flow.id);
    expect(read).toMatchObject({
      id: flow.id,
      etag: flow.etag,
      sourceConnectionIds: [source.id],
      targetConnectionIds: [target.id],
    });
    expect(read.scheduleParams).toMatchObject({ frequency: 'minute', interval: 15 });
    expect(typeof read.scheduleParams?.startTime).toBe('number');
    const mappingT = read.transformations.find((t) => t.name === 'Mapping');
    expect(mappingT?.params).toMatchObject({ mappingId: mapping.id, mappingVersion: 0 });
    expect((await client.sourceConnections.get(source.id)).params).toMatchObject({ projectId: '2384945' });
    expect((await client.targetConnections.get(target.id)).params).toMatchObject({ dataSetId: datasetId });
  });

  it('finds source and target connections by their base connection and spec', async () => {
    const { base, source } = await newChain('lookup');
    const sources = await client.sourceConnections.list({
      property: [propertyFilter('baseConnectionId', base.id)],
    });
    expect(sources.items.map((s) => s.id)).toEqual([source.id]);
    const targets = await client.targetConnections.count({
      property: [propertyFilter('connectionSpec.id', SPECS.dataLakeTarget)],
    });
    expect(targets).toBeGreaterThan(0);
  });

  it('patches source and target connections and finds the flow that uses them', async () => {
    const { source, target, flow } = await newChain('patchlinks');
    // New source and target connections are `inProgress` for a while; Adobe refuses updates meanwhile.
    await expect(
      client.sourceConnections.patch(source.id, source.etag, [
        { op: 'replace', path: '/description', value: 'too early' },
      ]),
    ).rejects.toMatchObject({ kind: 'validation', adobeShortCode: '1416' });
    await h.advance(TRANSITION_MS);
    const s = await client.sourceConnections.patch(source.id, source.etag, [
      { op: 'replace', path: '/description', value: 'updated source' },
    ]);
    const t = await client.targetConnections.patch(target.id, target.etag, [
      { op: 'replace', path: '/description', value: 'updated target' },
    ]);
    expect([s.etag, t.etag]).not.toContain(source.etag);
    expect((await client.sourceConnections.get(source.id)).description).toBe('updated source');
    expect((await client.targetConnections.get(target.id)).etag).toBe(t.etag);
    // Filtering on an array property needs `[]` (EN sort-and-filter.md); the bare form matches nothing.
    const flows = await client.flows.list({ property: [propertyFilter('sourceConnectionIds[]', source.id)] });
    expect(flows.items.map((f) => f.id)).toEqual([flow.id]);
    expectUndocumented('the bare array filter, to see Adobe refuse it (1449)', (p) =>
      p.includes('an array property needs []'),
    );
    const bare = client.flows.list({ property: [propertyFilter('sourceConnectionIds', source.id)] });
    await expect(bare).rejects.toMatchObject({ kind: 'validation', adobeShortCode: '1449' });
  });

  it('disables and enables a flow through the action endpoint', async () => {
    const { flow } = await newChain('toggle');
    const disabled = await client.flows.disable(flow.id);
    expect(disabled.etag).not.toBe(flow.etag);
    expect((await client.flows.get(flow.id)).state).toBe('disabling');
    await h.advance(TRANSITION_MS);
    expect((await client.flows.get(flow.id)).state).toBe('disabled');
    await client.flows.enable(flow.id);
    expect((await client.flows.get(flow.id)).state).toBe('enabled-finalizing');
    await h.advance(TRANSITION_MS);
    expect((await client.flows.get(flow.id)).state).toBe('enabled');
    await expect(client.flows.enable(flow.id)).rejects.toMatchObject({
      kind: 'validation',
      adobeShortCode: '1422',
    });
  });

  it('lists mapping sets by name (items carry no name, as Adobe shows), the name read back by GET', async () => {
    const body = (name: string, source: string) => ({
      name,
      outputSchema: { schemaRef: { id: schemaId, contentType: XDM_FULL } },
      mappings: [{ sourceType: 'ATTRIBUTE' as const, source, destination: '_simtenant.distinct_id' }],
    });
    const wanted = await client.mappingSets.create(body('mpdf-lookup-wanted', 'distinct_id'));
    await client.mappingSets.create(body('mpdf-lookup-other', 'distinct_id'));
    await client.mappingSets.put(wanted.id, body('mpdf-lookup-wanted', 'event'));
    const found = await client.mappingSets.listAll({ name: 'mpdf-lookup-wanted' });
    expect(found.map((m) => [m.id, m.name, m.version])).toEqual([[wanted.id, undefined, 1]]);
    expect((await client.mappingSets.get(wanted.id, { version: 0 })).name).toBe('mpdf-lookup-wanted');
    expect(await client.mappingSets.listAll({ name: 'mpdf-lookup-absent' })).toEqual([]);
  });

  it('puts a new mapping set version and points the flow at it', async () => {
    const { mapping, flow } = await newChain('remap');
    const v1 = await client.mappingSets.put(mapping.id, {
      outputSchema: { schemaRef: { id: schemaId, contentType: XDM_FULL } },
      mappings: [{ sourceType: 'EXPRESSION', source: 'lower(event)', destination: '_simtenant.event_name' }],
    });
    expect(v1.version).toBe(1);
    expect((await client.mappingSets.get(mapping.id, { version: 0 })).mappings[0]?.source).toBe(
      'distinct_id',
    );
    expect((await client.mappingSets.get(mapping.id, { version: 1 })).version).toBe(1);
    const current = await client.flows.get(flow.id);
    const index = current.transformations.findIndex((t) => t.name === 'Mapping');
    await client.flows.patch(flow.id, current.etag, [
      {
        op: 'replace',
        path: `/transformations/${index}`,
        value: { name: 'Mapping', params: { mappingId: mapping.id, mappingVersion: 1 } },
      },
    ]);
    const after = (await client.flows.get(flow.id)).transformations;
    expect(after.find((t) => t.name === 'Mapping')?.params.mappingVersion).toBe(1);
    expect(after.map((t) => t.name)).toEqual(current.transformations.map((t) => t.name));
  });

  it('refuses to delete a base connection a flow still uses, then deletes in reverse order', async () => {
    const { base, source, target, flow } = await newChain('teardown');
    await h.advance(TRANSITION_MS); // past the new connections' inProgress
    await expect(client.connections.delete(base.id)).rejects.toMatchObject({
      kind: 'validation',
      status: 400,
    });
    await client.flows.delete(flow.id);
    // Gone for a GET at once (EN delete-dataflows.md), but delete-finalizing: it still holds its
    // connections (1447) and a second delete is refused (1458) until the deletion has finalized.
    await expect(client.flows.get(flow.id)).rejects.toMatchObject({ kind: 'not-found' });
    await expect(client.sourceConnections.delete(source.id)).rejects.toMatchObject({
      adobeShortCode: '1447',
    });
    await expect(client.flows.delete(flow.id)).rejects.toMatchObject({ adobeShortCode: '1458' });
    await h.advance(TRANSITION_MS);
    await Promise.all([
      client.sourceConnections.delete(source.id),
      client.targetConnections.delete(target.id),
    ]);
    await client.connections.delete(base.id);
  });

  it('rejects a flow created with a state as a terminal validation error', async () => {
    const { source, target } = await newChain('badflow');
    const body = {
      name: 'bad',
      flowSpec: { id: SPECS.restToAep, version: '1.0' },
      sourceConnectionIds: [source.id],
      targetConnectionIds: [target.id],
      state: 'enabled',
    };
    await expect(client.flows.create(body)).rejects.toMatchObject({
      kind: 'validation',
      adobeShortCode: '1410',
      retryable: false,
    });
  });

  it('lists runs of a flow page by page once the schedule has produced them', async () => {
    const { flow } = await newChain('runs');
    await h.control('POST', 'clock', { advanceSeconds: 3600 + 15 * 60 * 5 });
    const first = await client.runs.list({ flowId: flow.id, limit: 2, orderby: '-createdAt' });
    expect(first.items).toHaveLength(2);
    expect(first.items.every((r) => r.flowId === flow.id)).toBe(true);
    const all = [];
    for await (const page of client.runs.pages({ flowId: flow.id, limit: 2 })) all.push(...page.items);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    expect(all[0]?.metrics?.statusSummary?.status).toBe('success');
    expect(await client.runs.latest(flow.id, 1)).toHaveLength(1);
  });
});

describe('ad-hoc runs and retries', () => {
  it('creates an ad-hoc run of a once flow and reads the full run Adobe answers', async () => {
    const { flow } = await newChain('adhoc');
    const current = await client.flows.get(flow.id);
    await client.flows.patch(flow.id, current.etag, [
      { op: 'replace', path: '/scheduleParams/frequency', value: 'once' },
      { op: 'remove', path: '/scheduleParams/interval' },
      { op: 'remove', path: '/scheduleParams/backfill' },
    ]);
    const now = Math.floor(Date.now() / 1000);
    const run = await client.runs.create({
      flowId: flow.id,
      params: { windowStartTime: now - 3600, windowEndTime: now },
    });
    expect(run).toMatchObject({ flowId: flow.id, metrics: { statusSummary: { status: 'scheduled' } } });
    expect(run.etag).toMatch(/^".+"$/);
    expect(run.activities).toEqual([]);
  });

  it('retries a failed run with op=re-trigger and gets the new run', async () => {
    const { flow } = await newChain('retry');
    await h.control('POST', 'runs', { flowId: flow.id, default: { status: 'failed' } });
    await h.advance(3600_000 + 2 * 60_000);
    const [failed] = await client.runs.latest(flow.id, 1);
    expect(failed?.metrics?.statusSummary?.status).toBe('failed');
    const retried = await client.runs.retrigger(failed!.id);
    expect(retried.id).not.toBe(failed!.id);
    await h.advance(2 * 60_000);
    const again = (await client.runs.list({ flowId: flow.id, orderby: '-createdAt', limit: 10 })).items;
    expect(again.map((r) => r.id)).toContain(retried.id);
  });
});

describe('specs, datasets and schemas', () => {
  it('reads the Mixpanel connection spec and the REST-to-AEP flow spec', async () => {
    expect((await client.connectionSpecs.get(SPECS.mixpanelSource)).id).toBe(SPECS.mixpanelSource);
    expect((await client.flowSpecs.get(SPECS.restToAep)).name).toBe('RestStorageToAEP');
  });

  it('reads a Catalog dataset and its XDM schema', async () => {
    const ds = await client.catalog.getDataset(datasetId);
    expect(ds).toMatchObject({ id: datasetId, schemaRef: { id: schemaId } });
    expect((await client.schemaRegistry.getSchema(schemaId)).$id).toBe(schemaId);
  });

  it('reports a missing dataset and schema as not-found', async () => {
    await expect(client.catalog.getDataset('000000000000000000000000')).rejects.toMatchObject({
      kind: 'not-found',
    });
    await expect(
      client.schemaRegistry.getSchema('https://ns.adobe.com/simtenant/schemas/nope'),
    ).rejects.toMatchObject({
      kind: 'not-found',
    });
  });
});
