/**
 * Flows left on connections the chain no longer uses. A flow whose create answer was lost (a
 * gateway error after Adobe made it) is adopted on the next reconcile only if the spec still asks
 * for the same connections; if a replace came first, it stays on the retired ones, and Adobe refuses
 * to delete a connection an active flow uses (`1447-400 Found active flows containing id …` in Flow
 * Service's error catalog; the adapter makes it Busy, as a flow finalizing its deletion gives the
 * same answer). When a delete of a source or target connection is refused as Busy and this pass did
 * not just delete a flow of the chain (that flow, delete-finalizing, is then the likely holder: it is
 * tried again later), the flows on it are found among the pairs of this chain's own connections (so
 * nothing outside the chain is touched), deleted, and the delete is tried again. A normal replace or
 * deletion costs no extra call.
 */
import { ReconcileError } from './errors.js';
import type { AdobePort } from './ports.js';
import type { DataflowStatus } from './types.js';

/**
 * Deletes a source or target connection; if Adobe refuses it as Busy, deletes the chain's stray
 * flows on it first (reported through `onStray`) and tries once more. With `flowJustDeleted` (this
 * pass deleted the chain's own flow) the refusal is rethrown as it is.
 */
export async function deleteConnectionAndStrays(
  port: AdobePort,
  status: DataflowStatus,
  link: 'sourceConnection' | 'targetConnection',
  id: string,
  onStray: (flowId: string) => void,
  flowJustDeleted = false,
): Promise<void> {
  try {
    await port.deleteConnection(link, id);
  } catch (err) {
    if (!(err instanceof ReconcileError) || err.kind !== 'Busy' || flowJustDeleted) throw err;
    const strays = await deleteStrayFlows(port, status, link, id);
    if (strays.length === 0) throw err;
    strays.forEach(onStray);
    await port.deleteConnection(link, id);
  }
}

/**
 * Deletes every flow other than the chain's own that reads or writes `id`; returns their ids. A
 * source connection's flows are listed directly; a target's are those writing it among the flows
 * of the chain's own source connections (current and retired).
 */
export async function deleteStrayFlows(
  port: AdobePort,
  status: DataflowStatus,
  link: 'sourceConnection' | 'targetConnection',
  id: string,
): Promise<string[]> {
  const sources =
    link === 'sourceConnection'
      ? [id]
      : [
          ...new Set(
            [
              status.sourceConnection?.id,
              ...(status.pendingDeletions ?? [])
                .filter((r) => r.kind === 'sourceConnection')
                .map((r) => r.id),
            ].filter((x): x is string => typeof x === 'string'),
          ),
        ];
  const deleted: string[] = [];
  for (const source of sources)
    for (const flow of await port.listFlowsOfSource(source)) {
      const touches = link === 'sourceConnection' || flow.targetConnectionIds.includes(id);
      if (!touches || flow.id === status.flow?.id || deleted.includes(flow.id)) continue;
      await port.deleteFlow(flow.id);
      deleted.push(flow.id);
    }
  return deleted;
}
