/** What acting needs and the helpers every executor shares. */
import { EVENT_REASONS, normal, type EngineEvent } from './events.js';
import type { DesiredChain } from './desired.js';
import type { Link } from './naming.js';
import type { ObservedChain } from './observe.js';
import type { AdobePort, Written } from './ports.js';
import type { DataflowStatus, RetiredRef } from './types.js';

/** Applies a change to the working status and reports it to the runtime. */
export type Recorder = (change: (status: DataflowStatus) => void) => Promise<void>;

/** What acting needs. */
export interface ActContext {
  port: AdobePort;
  desired: DesiredChain;
  /** Working status; read for ids, changed only through `record`. */
  status: DataflowStatus;
  record: Recorder;
  emit: (event: EngineEvent) => void;
  nowSec: number;
  /** What the plan was made from (patches address what Adobe has, e.g. the Mapping entry's index). */
  observed?: ObservedChain;
}

/** Result of acting: whether something was adopted (then the caller re-observes and re-plans). */
export interface ActOutcome {
  adopted: boolean;
  /** Something changed the plan's premises (a refused PATCH became a replace): re-observe, re-plan. */
  replan?: boolean;
  /** A flow was enabled or disabled: Adobe passes through enabled-finalizing / disabling first. */
  flowTransitioning?: boolean;
  /** Retired resources Adobe will not delete yet (busy): left pending, tried again shortly. */
  cleanupPending?: boolean;
  /** A retired flow was deleted in this act (it holds its connections while delete-finalizing). */
  flowDeleted?: boolean;
  /** Links created (not adopted) by this act: names derived from their new ids cannot exist yet. */
  created: Set<Link>;
}

/** The value, or an error naming the link that should have been recorded first. */
export function must<T>(value: T | undefined, link: Link): T {
  if (value === undefined) throw new Error(`${link} is not recorded yet`);
  return value;
}

/** Looks the deterministic name up first and adopts what exists (returned as `found`); creates only when nothing does. */
export async function createOrAdopt<T extends { id: string; etag: string }>(
  find: () => Promise<T | null>,
  create: () => Promise<Written>,
  /** True when the lookup provably finds nothing (it keys on an id created moments ago). */
  skipFind = false,
): Promise<{ written: Written; adopted: boolean; found: T | null }> {
  const found = skipFind ? null : await find();
  if (found) return { written: { id: found.id, etag: found.etag }, adopted: true, found };
  return { written: await create(), adopted: false, found: null };
}

/** Emits Created or Adopted, and marks the outcome for a re-plan after an adoption. */
export function announce(
  ctx: ActContext,
  outcome: ActOutcome,
  link: Link,
  id: string,
  name: string,
  adopted: boolean,
): void {
  if (adopted) outcome.adopted = true;
  else outcome.created.add(link);
  const verb = adopted ? 'Adopted existing' : 'Created';
  ctx.emit(
    normal(adopted ? EVENT_REASONS.Adopted : EVENT_REASONS.Created, `${verb} ${link} ${id} (${name}).`),
  );
}

/** Most replaced resources kept in status while they wait for deletion; bounds status size. */
export const MAX_RETIRED = 16;

/** Adds a replaced resource to the pending deletions (deduplicated, bounded). */
export function addRetired(list: RetiredRef[] | undefined, ref: RetiredRef): RetiredRef[] {
  const next = [...(list ?? []).filter((r) => r.id !== ref.id), ref];
  return next.slice(-MAX_RETIRED);
}
