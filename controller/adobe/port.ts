/** The engine's AdobePort implemented with the Flow Service client. */
import { isFlowServiceError, type FlowServiceClient } from '../flowservice/index.js';
import type { AdobePort, ConnectionKind, ExploreOutcome, Written } from '../reconcile/ports.js';
import { DELETE_UNDER_WAY } from './codes.js';
import { ADOBE_IDS, ADOBE_VALUES } from './constants.js';
import { detail, mapped, orNull, toReconcileError } from './errors.js';
import { findConnection, findMappingSet, listFlowsOfSource, listSourceConnections } from './lookups.js';
import { listRuns } from './runs.js';
import { mappingBody, toConnection, toFlow, toMappingSet } from './views.js';

const spec = (id: string) => ({ id, version: ADOBE_VALUES.specVersion });
const written = (r: { id: string; etag: string }): Written => ({ id: r.id, etag: r.etag });

/**
 * What an explore refusal means, from the provider status Adobe quotes ("Error from flow provider:
 * … Rest call failed with client error, status code 401 Unauthorized …", EN oracle-netsuite docs):
 * 401/403 the service account, 400/404 the project (or its timezone), anything else neither.
 */
export function exploreProblem(message: string): 'Credentials' | 'Project' | 'Other' {
  const status = /status code (\d{3})/i.exec(message)?.[1];
  if (status === '401' || status === '403') return 'Credentials';
  if (status === '400' || status === '404') return 'Project';
  return 'Other';
}

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
    findConnectionByName: (kind, name, scope = {}) =>
      mapped(() => findConnection(client, kind, name, scope.baseConnectionId)),
    listSourceConnections: (baseConnectionId) =>
      mapped(() => listSourceConnections(client, baseConnectionId)),
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
    // A refusal (1445) surfaces as a ReconcileError of kind 'Unsupported': the engine then
    // replaces the base.
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
        return { ok: false, problem: exploreProblem(message), message };
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
    getMappingSet: (id, version) =>
      orNull(async () => toMappingSet(await client.mappingSets.get(id, { version }))),
    findMappingSetByName: (name) => mapped(() => findMappingSet(client, name)),
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
    listFlowsOfSource: (sourceConnectionId) => mapped(() => listFlowsOfSource(client, sourceConnectionId)),
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
    // 404: gone; 1458: its deletion is already under way (a retried or repeated delete).
    deleteFlow: async (id) => {
      await orNull(async () => {
        try {
          await client.flows.delete(id);
        } catch (err) {
          if (!isFlowServiceError(err) || err.adobeShortCode !== DELETE_UNDER_WAY) throw err;
        }
      });
    },
    listRuns: (flowId, query) => listRuns(client, flowId, query),
  };
}
