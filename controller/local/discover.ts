/**
 * Recorded ids without Kubernetes status, found in Adobe with read-only calls.
 *
 * The engine adopts by name on its own: right before each create it looks up the base connection,
 * the first-create names of source and target, the mapping set (Data Prep `?name=`) and the flow
 * of a source. What it cannot find by name is a chain that went through a replace: a replacement's
 * name depends on the id it replaced. `findReplacedChain` follows such a chain from the base
 * connection (found by name) through the source connections reading through it to the flow that
 * reads one; local mode uses it before the first reconcile of a dataflow it has no ids for.
 *
 * `plan` never acts, so it cannot rely on the engine's lookups before a create: `discoverStatus`
 * adds them (read-only) when no flow was found, so a plan shows adoption as "no changes".
 */
import type { FlowServiceClient } from '../flowservice/index.js';
import {
  mappingSetName,
  resourceName,
  type AdobePort,
  type DataflowStatus,
  type DesiredChain,
} from '../reconcile/index.js';

/**
 * The chain an earlier run left, when it has a flow: base, the newest source reading through it
 * that a flow reads, that flow and its target (observe reads the mapping set from the flow's
 * reference). Undefined when there is no such flow: then the engine's own lookups suffice.
 */
export async function findReplacedChain(
  client: FlowServiceClient,
  port: AdobePort,
  desired: DesiredChain,
): Promise<DataflowStatus | undefined> {
  const base = await findBase(port, desired);
  return base ? followToFlow(client, base) : undefined;
}

async function followToFlow(
  client: FlowServiceClient,
  base: { id: string; etag: string },
): Promise<DataflowStatus | undefined> {
  const sources = (
    await client.sourceConnections.listAll({ property: [`baseConnectionId==${base.id}`] })
  ).filter((s) => s.baseConnectionId === base.id);
  sources.sort((a, b) => Number(b['createdAt'] ?? 0) - Number(a['createdAt'] ?? 0));
  for (const source of sources) {
    const flows = await client.flows.listAll({ property: [`sourceConnectionIds[]==${source.id}`] });
    const flow = flows.find((f) => f.sourceConnectionIds.includes(source.id));
    if (!flow) continue;
    const targetId = flow.targetConnectionIds[0];
    return {
      baseConnection: { id: base.id, etag: base.etag },
      sourceConnection: { id: source.id },
      flow: { id: flow.id },
      ...(targetId ? { targetConnection: { id: targetId } } : {}),
    };
  }
  return undefined;
}

/**
 * For `plan`: the ids reconciling would adopt, found read-only. The Mixpanel password cannot be
 * read back from Adobe, so the credentials are assumed applied (a state file records their hash,
 * and then a rotation shows as an update). Resources awaiting deletion after a replace are only
 * known from a state file.
 */
export async function discoverStatus(
  client: FlowServiceClient,
  port: AdobePort,
  desired: DesiredChain,
): Promise<DataflowStatus> {
  // The mapping set is found by name even with no base connection: Data Prep cannot delete it,
  // so one may outlive its chain (deletionPolicy Delete, or a crash right after its create).
  const [base, mapping] = await Promise.all([
    findBase(port, desired),
    port.findMappingSetByName(mappingSetName(desired.uid)),
  ]);
  const mappingSet: DataflowStatus = mapping
    ? { mappingSet: { id: mapping.id, version: mapping.version } }
    : {};
  if (!base) return mappingSet;
  const applied = { appliedSourceCredentialsHash: desired.mixpanel.hash };
  const chain = await followToFlow(client, base);
  if (chain) return { ...chain, ...applied }; // observe reads the mapping set the flow references
  const [source, target] = await Promise.all([
    port.findConnectionByName(
      'sourceConnection',
      resourceName(desired.uid, 'sourceConnection', [...desired.pairKey, base.id], ''),
      { baseConnectionId: base.id },
    ),
    port.findConnectionByName(
      'targetConnection',
      resourceName(desired.uid, 'targetConnection', desired.pairKey, ''),
    ),
  ]);
  return {
    baseConnection: { id: base.id, etag: base.etag },
    ...applied,
    ...(source ? { sourceConnection: { id: source.id, etag: source.etag } } : {}),
    ...(target ? { targetConnection: { id: target.id, etag: target.etag } } : {}),
    ...mappingSet,
  };
}

const findBase = (port: AdobePort, desired: DesiredChain) =>
  port.findConnectionByName('baseConnection', resourceName(desired.uid, 'baseConnection', [], ''));
