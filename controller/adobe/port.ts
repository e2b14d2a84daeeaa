/** The engine's AdobePort implemented with the Flow Service client. */
import {
  isFlowServiceError,
  type FlowServiceClient,
  type Flow,
  type MappingSet,
} from '../flowservice/index.js';
import type {
  AdobePort,
  ConnectionKind,
  ExploreOutcome,
  MappingRow,
  MappingSetInput,
  ObservedConnection,
  ObservedFlow,
  ObservedMappingSet,
  Written,
} from '../reconcile/ports.js';
import { ADOBE_IDS, ADOBE_VALUES } from './constants.js';
import { detail, mapped, orNull, toReconcileError } from './errors.js';
import { listRuns } from './runs.js';

type AnyConnection = {
  id: string;
  etag: string;
  name?: string | undefined;
  state?: string | undefined;
  baseConnectionId?: string | undefined;
  createdAt?: unknown;
  params?: Record<string, unknown> | undefined;
  data?: Record<string, unknown> | undefined;
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function toConnection(c: AnyConnection): ObservedConnection {
  const out: ObservedConnection = { id: c.id, etag: c.etag, name: c.name ?? '' };
  if (c.state) out.state = c.state;
  if (c.baseConnectionId) out.baseConnectionId = c.baseConnectionId;
  if (typeof c.createdAt === 'number') out.createdAt = c.createdAt;
  const projectId = str(c.params?.['projectId']);
  const timezone = str(c.params?.['timezone']);
  const datasetId = str(c.params?.['dataSetId']);
  const schema = c.data?.['schema'] as { id?: unknown } | undefined;
  const schemaId = str(schema?.id);
  if (projectId !== undefined) out.projectId = projectId;
  if (timezone !== undefined) out.timezone = timezone;
  if (datasetId !== undefined) out.datasetId = datasetId;
  if (schemaId !== undefined) out.schemaId = schemaId;
  return out;
}

// Data Prep stores sourceType as MIME-like values (fact sheet §6).
const SOURCE_TYPES: Record<string, MappingRow['sourceType']> = {
  ATTRIBUTE: 'ATTRIBUTE',
  'text/x.schema-path': 'ATTRIBUTE',
  EXPRESSION: 'EXPRESSION',
  'text/x.aep-xl': 'EXPRESSION',
};

function toMappingSet(m: MappingSet): ObservedMappingSet {
  const schemaRef = (m.outputSchema?.['schemaRef'] ?? m.schemaRef) as { id?: unknown } | undefined;
  const schemaId = str(schemaRef?.id) ?? m.xdmSchema;
  return {
    id: m.id,
    version: m.version,
    ...(schemaId ? { schemaId } : {}),
    mappings: m.mappings.map((row) => ({
      sourceType: SOURCE_TYPES[row.sourceType ?? ''] ?? 'ATTRIBUTE',
      source: row.source ?? '',
      destination: row.destination ?? '',
    })),
  };
}

function toFlow(f: Flow): ObservedFlow {
  const t = f.transformations.find((x) => x.name === ADOBE_VALUES.mappingTransformation)?.params;
  const s = f.scheduleParams;
  return {
    id: f.id,
    etag: f.etag,
    name: f.name ?? '',
    ...(f.description !== undefined ? { description: f.description } : {}),
    state: f.state ?? 'unknown',
    sourceConnectionIds: f.sourceConnectionIds,
    targetConnectionIds: f.targetConnectionIds,
    ...(t?.mappingId ? { mappingId: t.mappingId } : {}),
    ...(t?.mappingVersion !== undefined ? { mappingVersion: t.mappingVersion } : {}),
    schedule: {
      frequency: s?.frequency ?? '',
      ...(s?.interval !== undefined ? { interval: s.interval } : {}),
      ...(s?.startTime !== undefined ? { startTime: s.startTime } : {}),
    },
  };
}

/** PUT/POST body; `name` is Adobe's MappingSet.name (the simulator ignores it), kept for lookups. */
function mappingBody(input: MappingSetInput) {
  return {
    name: input.name,
    outputSchema: { schemaRef: { id: input.schemaId, contentType: ADOBE_VALUES.xdmContentType } },
    mappings: input.mappings.map((m) => ({
      sourceType: m.sourceType,
      source: m.source,
      destination: m.destination,
    })),
  };
}

const spec = (id: string) => ({ id, version: ADOBE_VALUES.specVersion });
const written = (r: { id: string; etag: string }): Written => ({ id: r.id, etag: r.etag });

/** AdobePort over a FlowServiceClient (which handles tokens, retries and the org rate limit). */
export function flowServicePort(client: FlowServiceClient): AdobePort {
  const collection = (kind: ConnectionKind) =>
    kind === 'baseConnection'
      ? client.connections
      : kind === 'sourceConnection'
        ? client.sourceConnections
        : client.targetConnections;
  return {
    getConnection: (kind, id) => orNull(async () => toConnection(await collection(kind).get(id))),
    // Adobe documents `name` as a filter for base connections only. Every page is read and the
    // name matched here, so a collection that ignored the filter costs more reads, never a duplicate.
    findConnectionByName: (kind, name) =>
      mapped(async () => {
        for await (const page of collection(kind).pages({ property: [`name==${name}`] })) {
          const hit = page.items.find((c) => c.name === name);
          if (hit) return toConnection(hit);
        }
        return null;
      }),
    listSourceConnections: (baseConnectionId) =>
      mapped(async () =>
        (await client.sourceConnections.listAll({ property: [`baseConnectionId==${baseConnectionId}`] }))
          // Defensive: keep only what the filter asked for, even if a server ignored it.
          .filter((c) => c.baseConnectionId === baseConnectionId)
          .map(toConnection),
      ),
    createBaseConnection: (input) =>
      mapped(async () =>
        written(
          await client.connections.create({
            name: input.name,
            description: input.description,
            auth: {
              specName: ADOBE_VALUES.mixpanelAuthSpec,
              params: { username: input.username, password: input.password },
            },
            connectionSpec: spec(ADOBE_IDS.mixpanelConnectionSpec),
          }),
        ),
      ),
    updateBaseConnectionAuth: (id, etag, username, password) =>
      mapped(async () =>
        written(
          await client.connections.patch(id, etag, [
            { op: 'replace', path: '/auth/params', value: { username, password } },
          ]),
        ),
      ),
    explore: async (baseConnectionId, projectId, timezone): Promise<ExploreOutcome> => {
      try {
        await client.connections.explore(baseConnectionId, {
          objectType: 'rest',
          object: 'json',
          fileType: 'json',
          preview: true,
          sourceParams: { projectId, timezone },
        });
        return { ok: true };
      } catch (err) {
        // Flow Service relays the provider's refusal as FLOW-1100-400 "Error from flow provider".
        const refusal =
          isFlowServiceError(err) &&
          err.kind === 'validation' &&
          err.adobeShortCode === ADOBE_VALUES.providerErrorCode;
        if (!refusal) throw toReconcileError(err);
        const message = detail(err);
        const credentials = /credential|unauthori[sz]ed|\b401\b/i.test(message);
        return { ok: false, problem: credentials ? 'Credentials' : 'Project', message };
      }
    },
    createSourceConnection: (input) =>
      mapped(async () =>
        written(
          await client.sourceConnections.create({
            name: input.name,
            description: input.description,
            baseConnectionId: input.baseConnectionId,
            connectionSpec: spec(ADOBE_IDS.mixpanelConnectionSpec),
            data: { format: ADOBE_VALUES.sourceFormat },
            params: { projectId: input.projectId, timezone: input.timezone },
          }),
        ),
      ),
    createTargetConnection: (input) =>
      mapped(async () =>
        written(
          await client.targetConnections.create({
            name: input.name,
            description: input.description,
            connectionSpec: spec(ADOBE_IDS.dataLakeConnectionSpec),
            data: {
              format: ADOBE_VALUES.targetFormat,
              schema: { id: input.schemaId, version: ADOBE_VALUES.xdmContentType },
            },
            params: { dataSetId: input.datasetId },
          }),
        ),
      ),
    deleteConnection: async (kind, id) => {
      await orNull(() => collection(kind).delete(id));
    },
    getMappingSet: (id) => orNull(async () => toMappingSet(await client.mappingSets.get(id))),
    // Data Prep's list filters by name, so a set whose create answer was lost is adopted, not leaked.
    findMappingSetByName: (name) =>
      mapped(async () => {
        const hit = (await client.mappingSets.list({ name })).find((m) => m.name === name);
        return hit ? toMappingSet(hit) : null;
      }),
    createMappingSet: (input) =>
      mapped(async () => {
        const m = await client.mappingSets.create(mappingBody(input));
        return { id: m.id, version: m.version };
      }),
    updateMappingSet: (id, input) =>
      mapped(async () => {
        const m = await client.mappingSets.put(id, mappingBody(input));
        return { id: m.id, version: m.version };
      }),
    getFlow: (id) => orNull(async () => toFlow(await client.flows.get(id))),
    // The flow's name is user-facing, so a flow is found by the CR-unique source it reads.
    listFlowsOfSource: (sourceConnectionId) =>
      mapped(async () =>
        (await client.flows.listAll({ property: [`sourceConnectionIds==${sourceConnectionId}`] }))
          .filter((f) => f.sourceConnectionIds.includes(sourceConnectionId))
          .map(toFlow),
      ),
    createFlow: (input) =>
      mapped(async () =>
        written(
          await client.flows.create({
            name: input.name,
            description: input.description,
            flowSpec: spec(ADOBE_IDS.restStorageToAepFlowSpec),
            sourceConnectionIds: [input.sourceConnectionId],
            targetConnectionIds: [input.targetConnectionId],
            transformations: [
              {
                name: ADOBE_VALUES.mappingTransformation,
                params: { mappingId: input.mappingId, mappingVersion: input.mappingVersion },
              },
            ],
            scheduleParams: {
              startTime: input.schedule.startTime ?? Math.floor(Date.now() / 1000),
              frequency: input.schedule.frequency as 'once' | 'minute' | 'hour' | 'day' | 'week',
              ...(input.schedule.interval !== undefined ? { interval: input.schedule.interval } : {}),
            },
          }),
        ),
      ),
    patchFlow: (id, etag, ops) => mapped(async () => written(await client.flows.patch(id, etag, ops))),
    setFlowEnabled: (id, enabled) =>
      mapped(async () => written(enabled ? await client.flows.enable(id) : await client.flows.disable(id))),
    deleteFlow: async (id) => {
      await orNull(() => client.flows.delete(id));
    },
    listRuns: (flowId, query) => listRuns(client, flowId, query),
  };
}
