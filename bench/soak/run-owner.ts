/**
 * Pure: which dataflow (uid) a flow in the simulator's run ledger belonged to. The ids the monitor
 * saw in status or inventory come first; a flow that lived between two snapshots (created, run and
 * replaced, or stranded when its source was deleted in Adobe) is attributed by what the ledger read
 * at its first run: the source connection's name carries the uid, the flow's default description
 * names the dataflow.
 */
import { OWNED_NAME } from './end-state.js';

/** What the ledger keeps of a flow's owner. */
export interface LedgerFlow {
  sourceConnectionId?: string;
  sourceConnectionName?: string;
  flowDescription?: string;
}

const DESCRIBED = /^Managed by the MixpanelDataflow controller for ([^/\s]+)\/(\S+)$/;

/** The owner's uid, or undefined when nothing ties the flow to a dataflow. */
export function runOwner(
  flowId: string,
  f: LedgerFlow,
  idOwner: ReadonlyMap<string, string>,
  /** Dataflow name → uid, of the soak's namespace. */
  uids: ReadonlyMap<string, string>,
  namespace: string,
): string | undefined {
  const byId = idOwner.get(flowId) ?? idOwner.get(f.sourceConnectionId ?? '');
  if (byId) return byId;
  const byName = OWNED_NAME.exec(f.sourceConnectionName ?? '');
  if (byName) return byName[1];
  const described = DESCRIBED.exec(f.flowDescription ?? '');
  return described && described[1] === namespace ? uids.get(described[2]!) : undefined;
}
