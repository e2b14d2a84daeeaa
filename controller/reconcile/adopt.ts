/**
 * Adoption before acting: for a CR whose status records no base connection (its first reconcile,
 * or status lost after a restore or a wipe), discovery finds what earlier reconciles created,
 * including a chain that went through replaces, and it is recorded and announced before planning.
 * The same in the cluster and in local mode: both run this engine.
 */
import { discoverChain } from './discover.js';
import type { DesiredChain } from './desired.js';
import { EVENT_REASONS, normal, warning } from './events.js';
import type { Link } from './naming.js';
import type { AdobePort } from './ports.js';
import type { Session } from './session.js';

const LINKS_FOUND = ['baseConnection', 'sourceConnection', 'targetConnection', 'mappingSet', 'flow'] as const;

/**
 * Discovers and records the CR's existing links; returns the links looked up in vain, which the
 * creates that follow need not look up again.
 */
export async function adoptDiscovered(
  s: Session,
  port: AdobePort,
  desired: DesiredChain,
): Promise<ReadonlySet<Link>> {
  const { found, absent, untracked } = await discoverChain(port, desired, s.status);
  const adopted = LINKS_FOUND.filter((link) => found[link]);
  if (adopted.length === 0 && !found.pendingDeletions) return absent;
  await s.record((st) => {
    Object.assign(st, found);
    // An adopted base connection's credentials are unknown: forget the hash so they get written.
    if (found.baseConnection) delete st.appliedSourceCredentialsHash;
  });
  for (const link of adopted)
    s.emit(normal(EVENT_REASONS.Adopted, `Adopted existing ${link} ${found[link]?.id} (found in Adobe).`));
  const leftovers = found.pendingDeletions?.length ?? 0;
  if (leftovers > 0)
    s.emit(
      normal(
        EVENT_REASONS.Adopted,
        `Found ${leftovers} resources left from an earlier replace; deleting them.`,
      ),
    );
  if (untracked.length > 0)
    s.emit(
      warning(
        EVENT_REASONS.Orphaned,
        `More resources left from earlier replaces than status can track; delete them by hand: ${untracked
          .map((r) => `${r.kind} ${r.id}`)
          .join(', ')}.`,
      ),
    );
  return absent;
}
