/** What acting needs and the helpers every executor shares. */
import { EVENT_REASONS, normal, type EngineEvent } from './events.js';
import type { DesiredChain } from './desired.js';
import type { Link } from './naming.js';
import { ReconcileError } from './errors.js';
import type { ObservedChain } from './observe.js';
import type { DeleteOperation } from './operations.js';
import type { AdobePort, Written } from './ports.js';
import { deleteConnectionAndStrays } from './stray-flows.js';
import type { DataflowStatus, RetiredRef } from './types.js';

/** Applies a change to the working status and writes it. */
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
  /** Links discovery looked up by their first-create name in vain just now: no second lookup. */
  absent?: ReadonlySet<Link>;
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

/** A link just created or adopted, and what it replaces. */
export interface NewLink {
  link: RetiredRef['kind'];
  written: Written;
  name: string;
  adopted: boolean;
  /** The resource it replaces, which becomes a pending deletion. */
  old: string | undefined;
  reason: string;
  /** Extra status fields of the link (a flow's state). */
  extra?: { state?: string };
}

/**
 * Records a new link: its status slot, the replaced resource as a pending deletion (in the same
 * write, so a crash never loses it), and the Created/Adopted and Replaced events.
 */
export async function recordLink(ctx: ActContext, outcome: ActOutcome, l: NewLink): Promise<void> {
  const { link, written, old } = l;
  await ctx.record((s) => {
    s[link] = { id: written.id, etag: written.etag, ...l.extra };
    if (old && old !== written.id)
      s.pendingDeletions = addRetired(s.pendingDeletions, { kind: link, id: old });
  });
  announce(ctx, outcome, link, written.id, l.name, l.adopted);
  if (old)
    ctx.emit(normal(EVENT_REASONS.Replaced, `Replacing ${link} ${old} with ${written.id}: ${l.reason}.`));
}

/**
 * Adds a replaced resource to the pending deletions (deduplicated). Not bounded here: the planner
 * plans no replacement the status schema's bound could not hold (plan.ts), so none is dropped.
 */
export function addRetired(list: RetiredRef[] | undefined, ref: RetiredRef): RetiredRef[] {
  return [...(list ?? []).filter((r) => r.id !== ref.id), ref];
}

/** What a delete needs to find a source or target connection's stray flows (stray-flows.ts). */
export interface StrayContext {
  /** The chain's status: its own connection pairs are where strays are looked for. */
  status: DataflowStatus;
  /** This pass deleted a flow of the chain: a refusal is that flow delete-finalizing, not a stray. */
  flowJustDeleted: boolean;
}

/**
 * The one delete executor (replaced resources and whole chains alike): deletes the resource unless
 * `keep` holds its id, drops it from every status slot and from the pending deletions, and emits
 * Deleted. 404 counts as deleted (the port's contract). With `strays`, a source or target
 * connection that Adobe will not delete has the chain's stray flows deleted first.
 */
export async function deleteResource(
  port: AdobePort,
  record: Recorder,
  emit: (event: EngineEvent) => void,
  op: DeleteOperation,
  keep: readonly (string | undefined)[] = [],
  strays?: StrayContext,
): Promise<void> {
  const { id, link } = op;
  if (!keep.includes(id)) {
    if (link === 'flow') await port.deleteFlow(id);
    else if (strays && (link === 'sourceConnection' || link === 'targetConnection'))
      await deleteConnectionAndStrays(
        port,
        strays.status,
        link,
        id,
        (stray) =>
          emit(normal(EVENT_REASONS.Deleted, `Deleted flow ${stray}: it was left on ${link} ${id}.`)),
        strays.flowJustDeleted,
      );
    else await port.deleteConnection(link, id);
    emit(normal(EVENT_REASONS.Deleted, `Deleted ${link} ${id}: ${op.reason}.`));
  }
  await record((st) => {
    if (!keep.includes(id))
      for (const slot of ['flow', 'sourceConnection', 'targetConnection', 'baseConnection'] as const)
        if (st[slot]?.id === id) delete st[slot];
    st.pendingDeletions = (st.pendingDeletions ?? []).filter((r) => r.id !== id);
    if (st.pendingDeletions.length === 0) delete st.pendingDeletions;
  });
}

/** Deletes a replaced resource, never one the live chain uses. */
export async function deleteRetired(
  ctx: ActContext,
  op: DeleteOperation,
  outcome: ActOutcome,
): Promise<void> {
  const s = ctx.status;
  const live = [s.baseConnection?.id, s.sourceConnection?.id, s.targetConnection?.id, s.flow?.id];
  try {
    await deleteResource(ctx.port, ctx.record, ctx.emit, op, live, {
      status: s,
      flowJustDeleted: outcome.flowDeleted === true,
    });
    if (op.link === 'flow' && !live.includes(op.id)) outcome.flowDeleted = true;
  } catch (err) {
    // The new chain already runs; Adobe is still finalizing (e.g. the old flow holds this
    // connection while it is delete-finalizing): keep it pending and try again shortly.
    if (err instanceof ReconcileError && err.kind === 'Busy') {
      outcome.cleanupPending = true;
      return;
    }
    throw err;
  }
}
