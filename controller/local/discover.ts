/**
 * Where `plan` gets recorded ids without Kubernetes status. With `--state` they come from local
 * mode's state file. Otherwise they are found in Adobe by the engine's own naming:
 *   1. the base connection by its deterministic name (CR uid → `mpdf-<uid>-base-…`);
 *   2. the source connections that read through that base (`baseConnectionId==…`), newest first;
 *   3. the flow that reads such a source (`sourceConnectionIds==…`), and from the flow its target
 *      connection and mapping set — this follows the chain across earlier replaces, whose names
 *      depend on the ids they replaced;
 *   4. with no flow yet, source and target by the names a first create would use.
 * The Mixpanel password cannot be read back from Adobe: `plan` assumes the credentials unchanged
 * (a state file records their hash, and then a rotation shows as an update); local mode leaves the
 * hash unset so the engine writes the credentials once. Resources awaiting deletion after a
 * replace are only known from a state file. Local mode runs this before the first reconcile of a
 * dataflow it has no ids for, so a restart without a state file adopts the whole chain (the
 * engine alone cannot find a mapping set by name: Data Prep has no such lookup).
 */
import type { FlowServiceClient } from '../flowservice/index.js';
import { resourceName, type AdobePort, type DataflowStatus, type DesiredChain } from '../reconcile/index.js';

/** Rebuilds the id part of a dataflow's status from Adobe (read-only calls). */
export async function discoverStatus(
  client: FlowServiceClient,
  port: AdobePort,
  desired: DesiredChain,
  opts: { assumeCredentialsApplied: boolean },
): Promise<DataflowStatus> {
  const base = await port.findConnectionByName(
    'baseConnection',
    resourceName(desired.uid, 'baseConnection', [], ''),
  );
  if (!base) return {};
  const status: DataflowStatus = { baseConnection: { id: base.id, etag: base.etag } };
  if (opts.assumeCredentialsApplied) status.appliedSourceCredentialsHash = desired.mixpanel.hash;
  const sources = await client.sourceConnections.listAll({ property: [`baseConnectionId==${base.id}`] });
  sources.sort((a, b) => Number(b['createdAt'] ?? 0) - Number(a['createdAt'] ?? 0));
  for (const source of sources) {
    const flows = await client.flows.listAll({ property: [`sourceConnectionIds==${source.id}`] });
    const flow = flows[0];
    if (!flow) continue;
    status.sourceConnection = { id: source.id };
    status.flow = { id: flow.id };
    const targetId = flow.targetConnectionIds[0];
    if (targetId) status.targetConnection = { id: targetId };
    return status; // observe() reads the mapping set from the flow's reference
  }
  const source = await port.findConnectionByName(
    'sourceConnection',
    resourceName(desired.uid, 'sourceConnection', [...desired.pairKey, base.id], ''),
  );
  if (source) status.sourceConnection = { id: source.id, etag: source.etag };
  const target = await port.findConnectionByName(
    'targetConnection',
    resourceName(desired.uid, 'targetConnection', desired.pairKey, ''),
  );
  if (target) status.targetConnection = { id: target.id, etag: target.etag };
  return status;
}
