/** Cross-checks of MixpanelDataflow status against what the simulator holds. */
import type { MixpanelDataflow } from '../../../controller/api/index.js';
import type { SimState } from './sim.js';

const LINK_KINDS = {
  baseConnection: 'connections',
  sourceConnection: 'sourceConnections',
  targetConnection: 'targetConnections',
  flow: 'flows',
  mappingSet: 'mappingSets',
} as const;

/** Duplicates and orphans per simulator kind, given the CRs that should own everything. */
export function chainAudit(crs: MixpanelDataflow[], state: SimState) {
  const report: Record<string, { total: number; referenced: number; orphans: number; missing: number }> = {};
  for (const [link, kind] of Object.entries(LINK_KINDS)) {
    const ids = new Set(state.resources.filter((r) => r.kind === kind).map((r) => r.id));
    const referenced = crs
      .map((cr) => (cr.status as Record<string, { id?: string } | undefined> | undefined)?.[link]?.id)
      .filter((id): id is string => typeof id === 'string');
    report[kind] = {
      total: ids.size,
      referenced: referenced.filter((id) => ids.has(id)).length,
      orphans: [...ids].filter((id) => !referenced.includes(id)).length,
      missing: referenced.filter((id) => !ids.has(id)).length,
    };
  }
  return report;
}
