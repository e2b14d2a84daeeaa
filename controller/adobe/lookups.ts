/**
 * Finding the controller's own resources again after a lost create answer, with documented filters
 * only (EN sort-and-filter.md "Filterable properties by resource"; DP-OAS `name` on mapping sets).
 * Every page is read and every hit checked here: a server that ignored a filter costs more reads,
 * never an adoption of someone else's resource.
 */
import type { FlowServiceClient } from '../flowservice/index.js';
import type {
  ConnectionKind,
  ObservedConnection,
  ObservedFlow,
  ObservedMappingSet,
} from '../reconcile/ports.js';
import { ADOBE_IDS } from './constants.js';
import { toConnection, toFlow, toMappingSet, type AnyConnection } from './views.js';

/** The documented filter that narrows a name lookup of this kind of connection. */
function narrowing(kind: ConnectionKind, name: string, baseConnectionId: string | undefined): string {
  switch (kind) {
    case 'baseConnection':
      return `name==${name}`; // documented for connections
    case 'sourceConnection':
      // `name` is not documented for source connections; `baseConnectionId` and `connectionSpec.id` are.
      return baseConnectionId
        ? `baseConnectionId==${baseConnectionId}`
        : `connectionSpec.id==${ADOBE_IDS.mixpanelConnectionSpec}`;
    case 'targetConnection':
      return `connectionSpec.id==${ADOBE_IDS.dataLakeConnectionSpec}`;
  }
}

/** A connection of this kind with exactly this name (and base connection, when given). */
export async function findConnection(
  client: FlowServiceClient,
  kind: ConnectionKind,
  name: string,
  baseConnectionId?: string,
): Promise<ObservedConnection | null> {
  const collection =
    kind === 'baseConnection'
      ? client.connections
      : kind === 'sourceConnection'
        ? client.sourceConnections
        : client.targetConnections;
  const property = [narrowing(kind, name, baseConnectionId)];
  for await (const page of collection.pages({ property })) {
    const hit = (page.items as AnyConnection[]).find(
      (c) =>
        c.name === name &&
        (baseConnectionId === undefined ||
          kind !== 'sourceConnection' ||
          c.baseConnectionId === baseConnectionId),
    );
    if (hit) return toConnection(hit);
  }
  return null;
}

/** Every source connection that reads through this base connection (a documented filter). */
export async function listSourceConnections(
  client: FlowServiceClient,
  baseConnectionId: string,
): Promise<ObservedConnection[]> {
  const all = await client.sourceConnections.listAll({ property: [`baseConnectionId==${baseConnectionId}`] });
  return (all as AnyConnection[]).filter((c) => c.baseConnectionId === baseConnectionId).map(toConnection);
}

/** Every flow that reads this source connection (`[]` on the array filter, as documented). */
export async function listFlowsOfSource(
  client: FlowServiceClient,
  sourceConnectionId: string,
): Promise<ObservedFlow[]> {
  const all = await client.flows.listAll({ property: [`sourceConnectionIds[]==${sourceConnectionId}`] });
  return all.filter((f) => f.sourceConnectionIds.includes(sourceConnectionId)).map(toFlow);
}

/**
 * The mapping set named `name`. Data Prep documents a `name` filter on its list, but its list
 * example carries no `name` in the items: a hit without one is checked by GET at version 0, whose
 * MappingSet (DP-OAS) carries the name it was created with. A set whose name cannot be read
 * anywhere is never adopted.
 */
export async function findMappingSet(
  client: FlowServiceClient,
  name: string,
): Promise<ObservedMappingSet | null> {
  for (const item of await client.mappingSets.listAll({ name })) {
    const named =
      item.name !== undefined ? item.name : (await client.mappingSets.get(item.id, { version: 0 })).name;
    if (named === name) return toMappingSet(item);
  }
  return null;
}
