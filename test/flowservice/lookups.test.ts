/**
 * The adapter's lookups of the controller's own resources, against the strict simulator: only
 * documented filters (`[]` on arrays; `baseConnectionId` and `connectionSpec.id`, since `name` is
 * documented for base connections only), every page read, every hit checked client-side; mapping
 * sets recognised without a `name` in list items.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { flowServicePort } from '../../controller/adobe/index.js';
import type { AdobePort } from '../../controller/reconcile/ports.js';
import type { FlowServiceClient } from '../../controller/flowservice/index.js';
import { clientFor, seedSchemaAndDataset, startHarness, XDM_FULL, type SimHarness } from './sim-harness.js';

let h: SimHarness;
let client: FlowServiceClient;
let port: AdobePort;
let schemaId: string;
let datasetId: string;

beforeAll(async () => {
  h = await startHarness();
  client = clientFor(h).client;
  port = flowServicePort(client);
  ({ schemaId, datasetId } = await seedSchemaAndDataset(h));
});

afterAll(async () => {
  await client.close();
  await h.close();
});

const base = (name: string) =>
  port.createBaseConnection({ name, description: '', username: 'u', password: 'secret-value-1' });
const source = (name: string, baseConnectionId: string) =>
  port.createSourceConnection({ name, description: '', baseConnectionId, projectId: '1', timezone: 'UTC' });
const target = (name: string) => port.createTargetConnection({ name, description: '', datasetId, schemaId });
const mappingSet = (name: string) =>
  port.createMappingSet({
    name,
    schemaId,
    mappings: [{ sourceType: 'ATTRIBUTE', source: 'distinct_id', destination: '_simtenant.distinct_id' }],
  });

async function flow(sourceId: string, targetId: string): Promise<string> {
  const m = await mappingSet(`m-${sourceId}-${targetId}`);
  const w = await port.createFlow({
    name: 'f',
    description: '',
    sourceConnectionId: sourceId,
    targetConnectionId: targetId,
    mappingId: m.id,
    mappingVersion: m.version,
    schedule: { frequency: 'minute', interval: 15, startTime: 1_900_000_000 },
  });
  return w.id;
}

describe('lookups of our own resources', () => {
  it('finds every flow of a source on a later page (one item per page)', async () => {
    const b = await base('lookup-flow-base');
    const s = await source('lookup-flow-source', b.id);
    const [t1, t2] = [await target('lookup-flow-t1'), await target('lookup-flow-t2')];
    const first = await flow(s.id, t1.id);
    const wanted = await flow(s.id, t2.id);
    await h.control('POST', 'config', { defaultPageSize: 1 });
    try {
      const found = await port.listFlowsOfSource(s.id);
      expect(found.map((f) => f.id).sort()).toEqual([first, wanted].sort());
    } finally {
      await h.control('POST', 'config', { defaultPageSize: 100 });
    }
  });

  it('finds source and target connections by name through documented filters, on any page', async () => {
    const b = await base('lookup-conn-base');
    const other = await base('lookup-conn-other');
    await source('lookup-conn-source', other.id); // same name, another base: never adopted
    const mine = await source('lookup-conn-source', b.id);
    for (const n of ['lookup-t-a', 'lookup-t-b', 'lookup-t-c']) await target(n);
    const t = await target('lookup-t-mine');
    await h.control('POST', 'config', { defaultPageSize: 1 });
    try {
      expect((await port.findConnectionByName('baseConnection', 'lookup-conn-base'))?.id).toBe(b.id);
      const s = await port.findConnectionByName('sourceConnection', 'lookup-conn-source', {
        baseConnectionId: b.id,
      });
      expect(s?.id).toBe(mine.id);
      expect((await port.findConnectionByName('targetConnection', 'lookup-t-mine'))?.id).toBe(t.id);
      expect(await port.findConnectionByName('targetConnection', 'lookup-t-absent')).toBeNull();
    } finally {
      await h.control('POST', 'config', { defaultPageSize: 100 });
    }
  });

  it('recognises a mapping set by the name its GET carries, list items carrying none', async () => {
    const made = await mappingSet('lookup-mapping-wanted');
    const listed = await client.mappingSets.listAll({ name: 'lookup-mapping-wanted' });
    expect(listed.map((m) => [m.id, m.name])).toEqual([[made.id, undefined]]);
    expect((await port.findMappingSetByName('lookup-mapping-wanted'))?.id).toBe(made.id);
    expect(await port.findMappingSetByName('lookup-mapping-absent')).toBeNull();
  });

  it('never adopts a mapping set whose name it cannot read anywhere', async () => {
    const r = await client.mappingSets.create({
      outputSchema: { schemaRef: { id: schemaId, contentType: XDM_FULL } },
      mappings: [{ sourceType: 'ATTRIBUTE', source: 'x', destination: '_simtenant.x' }],
    });
    // A server that ignored the name filter would list this unnamed set too: it must not be taken.
    const all = await client.mappingSets.listAll();
    expect(all.some((m) => m.id === r.id)).toBe(true);
    expect(await port.findMappingSetByName('lookup-unnamed')).toBeNull();
  });

  it('reads every page of a Data Prep list (start/limit; _page.count is not relied on)', async () => {
    const before = (await client.mappingSets.listAll()).length;
    for (let i = 0; i < 55; i++) await mappingSet(`lookup-many-${i}`);
    const all = await client.mappingSets.listAll();
    expect(all).toHaveLength(before + 55);
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
  });
});

describe('lookups against a server that ignores every filter', () => {
  beforeAll(async () => {
    await h.control('POST', 'settings', { ignoreAllFilters: true });
  });
  afterAll(async () => {
    await h.control('POST', 'settings', { ignoreAllFilters: false });
  });

  it('still finds exactly its own connections, flow and mapping set, and nothing else', async () => {
    const b = await base('lax-base');
    const s = await source('lax-source', b.id);
    const t = await target('lax-target');
    const f = await flow(s.id, t.id);
    const m = await mappingSet('lax-mapping');
    expect((await port.findConnectionByName('baseConnection', 'lax-base'))?.id).toBe(b.id);
    expect(
      (await port.findConnectionByName('sourceConnection', 'lax-source', { baseConnectionId: b.id }))?.id,
    ).toBe(s.id);
    expect((await port.findConnectionByName('targetConnection', 'lax-target'))?.id).toBe(t.id);
    expect((await port.listFlowsOfSource(s.id)).map((x) => x.id)).toEqual([f]);
    expect((await port.listSourceConnections(b.id)).map((x) => x.id)).toEqual([s.id]);
    expect((await port.findMappingSetByName('lax-mapping'))?.id).toBe(m.id);
    expect(await port.findMappingSetByName('lax-absent')).toBeNull();
    expect(await port.findConnectionByName('baseConnection', 'lax-absent')).toBeNull();
  });
});
