/**
 * Discovery: the links of a CR's chain that status does not record, found in Adobe with read-only
 * calls. One module for every caller: the engine before acting on a CR without a recorded base
 * connection (first reconcile, or status lost), the engine before deleting, and `plan`, which
 * never acts and so must find everything up front.
 *
 * Names find what a first create made (naming.ts). They cannot find a chain that went through a
 * replace, because a replacement's name depends on the id it replaced; that chain is followed
 * from the base connection instead, through the source connections reading through it to the flow
 * that reads one. Other sources on that base (and their flows, and targets named for this CR) are
 * leftovers of a replace whose cleanup was lost with the status: they become pending deletions.
 */
import { MAX_PENDING_DELETIONS } from '../api/index.js';
import { firstCreateNames, ownedBy, type Link } from './naming.js';
import type { AdobePort, ObservedConnection, ObservedFlow } from './ports.js';
import type { DataflowStatus, RetiredRef } from './types.js';

/** What discovery needs to know about the CR. */
export interface DiscoveryRef {
  uid: string;
  /** The pair parameters (projectId, timezone, datasetId, schemaId) first-create names hash. */
  pairKey: readonly string[];
}

/** Status slots discovery fills. */
export type Discovered = Pick<
  DataflowStatus,
  'baseConnection' | 'sourceConnection' | 'targetConnection' | 'mappingSet' | 'flow' | 'pendingDeletions'
>;

/** What one discovery found, and what it looked up in vain. */
export interface Discovery {
  found: Discovered;
  /** Links looked up and not found: a create right after need not look them up again. */
  absent: Set<Link>;
  /** Leftovers beyond what status can hold as pending deletions (reported, not tracked). */
  untracked: RetiredRef[];
}

/** Options of a discovery. */
export interface DiscoveryOptions {
  /** Look the mapping set up by name (deletion skips it: Data Prep has no delete). */
  mappingSet?: boolean;
}

const ref = (c: { id: string; etag?: string }) => (c.etag ? { id: c.id, etag: c.etag } : { id: c.id });

/** The flow among `flows` that writes `targetId` (a source is unique to one CR, so at most one). */
export const flowWriting = (flows: readonly ObservedFlow[], targetId: string): ObservedFlow | undefined =>
  flows.find((f) => f.targetConnectionIds.includes(targetId));

/** Finds the links `known` does not record; see the module comment for the order. */
export async function discoverChain(
  port: AdobePort,
  cr: DiscoveryRef,
  known: DataflowStatus,
  opts: DiscoveryOptions = {},
): Promise<Discovery> {
  const names = firstCreateNames(cr.uid, cr.pairKey);
  const out: Discovery = { found: {}, absent: new Set(), untracked: [] };
  const lookup = async <T>(link: Link, read: () => Promise<T | null>): Promise<T | null> => {
    const hit = await read();
    if (!hit) out.absent.add(link);
    return hit;
  };
  const [base, target, mapping] = await Promise.all([
    known.baseConnection
      ? null
      : lookup('baseConnection', () => port.findConnectionByName('baseConnection', names.baseConnection)),
    known.targetConnection
      ? null
      : lookup('targetConnection', () =>
          port.findConnectionByName('targetConnection', names.targetConnection),
        ),
    known.mappingSet || opts.mappingSet === false
      ? null
      : lookup('mappingSet', () => port.findMappingSetByName(names.mappingSet)),
  ]);
  if (base) out.found.baseConnection = ref(base);
  if (mapping) out.found.mappingSet = { id: mapping.id, version: mapping.version };
  const baseId = known.baseConnection?.id ?? base?.id;

  if (baseId && !known.sourceConnection && !known.flow) {
    const chain = await followFromBase(port, cr, baseId, known);
    if (chain) {
      Object.assign(out.found, chain.found);
      out.untracked = chain.untracked;
      if (chain.found.targetConnection) out.absent.delete('targetConnection');
      return out;
    }
  }
  if (target) out.found.targetConnection = ref(target);
  const source =
    baseId && !known.sourceConnection
      ? await lookup('sourceConnection', () =>
          port.findConnectionByName('sourceConnection', names.sourceConnection(baseId), {
            baseConnectionId: baseId,
          }),
        )
      : null;
  if (source) out.found.sourceConnection = ref(source);
  const sourceId = known.sourceConnection?.id ?? source?.id;
  const targetId = known.targetConnection?.id ?? target?.id;
  if (!known.flow && sourceId && targetId) {
    const flow = flowWriting(await port.listFlowsOfSource(sourceId), targetId);
    if (flow) out.found.flow = ref(flow);
    else out.absent.add('flow');
  }
  return out;
}

/**
 * The chain on `baseId` that has a flow: the newest source a flow reads, that flow and its target.
 * Undefined when no source on the base has a flow (then names find what exists).
 */
async function followFromBase(
  port: AdobePort,
  cr: DiscoveryRef,
  baseId: string,
  known: DataflowStatus,
): Promise<{ found: Discovered; untracked: RetiredRef[] } | undefined> {
  const sources = await port.listSourceConnections(baseId);
  sources.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  const flowsOf = new Map<string, ObservedFlow[]>();
  let live: { source: ObservedConnection; flow: ObservedFlow } | undefined;
  for (const source of sources) {
    const flows = await port.listFlowsOfSource(source.id);
    flowsOf.set(source.id, flows);
    if (flows[0]) {
      live = { source, flow: flows[0] };
      break;
    }
  }
  if (!live) return undefined;
  const targetId = live.flow.targetConnectionIds[0];
  const leftovers: RetiredRef[] = [];
  for (const source of sources) {
    if (source.id === live.source.id) continue;
    const flows = flowsOf.get(source.id) ?? (await port.listFlowsOfSource(source.id));
    for (const flow of flows) {
      leftovers.push({ kind: 'flow', id: flow.id });
      for (const t of flow.targetConnectionIds)
        if (t !== targetId && ownedBy(cr.uid, (await port.getConnection('targetConnection', t))?.name))
          leftovers.push({ kind: 'targetConnection', id: t });
    }
    leftovers.push({ kind: 'sourceConnection', id: source.id });
  }
  const pending = [...(known.pendingDeletions ?? [])];
  const unique = leftovers.filter(
    (r, i) => leftovers.findIndex((x) => x.id === r.id) === i && !pending.some((p) => p.id === r.id),
  );
  const room = Math.max(0, MAX_PENDING_DELETIONS - pending.length);
  const tracked = [...pending, ...unique.slice(0, room)];
  return {
    found: {
      sourceConnection: ref(live.source),
      flow: ref(live.flow),
      ...(targetId ? { targetConnection: { id: targetId } } : {}),
      ...(tracked.length > 0 ? { pendingDeletions: tracked } : {}),
    },
    untracked: unique.slice(room),
  };
}
