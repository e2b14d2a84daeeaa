/**
 * Flows left on connections the chain no longer uses. A flow whose create answer was lost (a
 * gateway error after Adobe made it) is adopted on the next reconcile only if the spec still asks
 * for the same connections; if a replace came first, it stays on the retired ones, and Adobe refuses
 * to delete a connection an active flow uses (FLOW-1447-400, `1447-400 Found active flows containing
 * id …` in Flow Service's error catalog). When a delete of a source or target connection gets that
 * answer, the flows on it are found (among the pairs of this chain's own connections, so nothing
 * outside the chain is touched), deleted, and the connection delete is tried again. Only on that
 * answer, and not right after the chain deleted a flow of its own: a deleted flow holds its
 * connections while it is delete-finalizing, so that 1447 is expected (Busy: tried again later,
 * and only then are strays looked for). A normal replace or deletion costs no extra call.
 */
import { PortError, type AdobePort } from './ports.js';
import type { DataflowStatus } from './types.js';

/** Flow Service's code for "Found active flows containing id …". */
export const ACTIVE_FLOWS_CODE = '1447';

/**
 * Deletes a source or target connection; if Adobe refuses because flows still use it, deletes the
 * chain's stray flows on it first (reported through `onStray`) and tries once more. With
 * `flowJustDeleted` (this pass deleted the chain's own flow) the refusal is rethrown as it is.
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
    if (!(err instanceof PortError) || err.details.code !== ACTIVE_FLOWS_CODE || flowJustDeleted) throw err;
    const strays = await deleteStrayFlows(port, status, link, id);
    if (strays.length === 0) throw err;
    strays.forEach(onStray);
    await port.deleteConnection(link, id);
  }
}

/** Deletes every flow other than the chain's own that reads or writes `id`; returns their ids. */
export async function deleteStrayFlows(
  port: AdobePort,
  status: DataflowStatus,
  link: 'sourceConnection' | 'targetConnection',
  id: string,
): Promise<string[]> {
  const known = (kind: 'sourceConnection' | 'targetConnection') => [
    ...new Set(
      [
        status[kind]?.id,
        ...(status.pendingDeletions ?? []).filter((r) => r.kind === kind).map((r) => r.id),
      ].filter((x): x is string => typeof x === 'string'),
    ),
  ];
  const pairs =
    link === 'sourceConnection'
      ? known('targetConnection').map((t) => [id, t] as const)
      : known('sourceConnection').map((s) => [s, id] as const);
  const deleted: string[] = [];
  for (const [sourceConnectionId, targetConnectionId] of pairs) {
    const flow = await port.findFlow({ name: '', sourceConnectionId, targetConnectionId });
    if (!flow || flow.id === status.flow?.id || deleted.includes(flow.id)) continue;
    await port.deleteFlow(flow.id);
    deleted.push(flow.id);
  }
  return deleted;
}
