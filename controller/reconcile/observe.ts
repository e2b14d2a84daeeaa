/**
 * Observation: reads every link recorded in status, in parallel (one round trip). A link with no
 * recorded id is not searched here; acting looks its deterministic name up right before any create.
 */
import type { AdobePort, ObservedConnection, ObservedFlow, ObservedMappingSet } from './ports.js';
import type { DataflowStatus } from './types.js';

/**
 * One link as observed: `undefined` when status records no id, `null` when the recorded id no
 * longer exists in Adobe (deleted out of band), otherwise what Adobe returned.
 */
export type Seen<T> = T | null | undefined;

/** The chain as Adobe has it now. */
export interface ObservedChain {
  base: Seen<ObservedConnection>;
  source: Seen<ObservedConnection>;
  target: Seen<ObservedConnection>;
  mapping: Seen<ObservedMappingSet>;
  flow: Seen<ObservedFlow>;
}

const skip = <T>(id: string | undefined, read: (id: string) => Promise<T | null>): Promise<Seen<T>> =>
  id ? read(id) : Promise.resolve(undefined);

/** Reads the recorded links. When only the flow is known, the mapping set is read from the flow's reference. */
export async function observe(port: AdobePort, status: DataflowStatus): Promise<ObservedChain> {
  const [base, source, target, mapping, flow] = await Promise.all([
    skip(status.baseConnection?.id, (id) => port.getConnection('baseConnection', id)),
    skip(status.sourceConnection?.id, (id) => port.getConnection('sourceConnection', id)),
    skip(status.targetConnection?.id, (id) => port.getConnection('targetConnection', id)),
    // The version recorded is the one asked for: Adobe's GET defaults to version 0, not the latest.
    skip(status.mappingSet?.id, (id) => port.getMappingSet(id, status.mappingSet?.version ?? 0)),
    skip(status.flow?.id, (id) => port.getFlow(id)),
  ]);
  const adoptMapping =
    mapping === undefined && flow?.mappingId
      ? await port.getMappingSet(flow.mappingId, flow.mappingVersion ?? 0)
      : mapping;
  return { base, source, target, mapping: adoptMapping, flow };
}
