/**
 * Deletion of the chain when the CR is being deleted. `Orphan` touches nothing. `Delete` removes
 * the flow(s), then source and target connections, then base connection(s); 404 counts as done.
 * Mapping sets stay: Data Prep has no delete. Links whose id never reached status (a crash right
 * after a create, or status lost) are found first by discovery, so they are not leaked.
 */
import { Action } from '../runtime/action.js';
import { deleteResource } from './act-context.js';
import { settleAll } from './act.js';
import { CONDITION_REASONS, readyNot, syncedFailure } from './conditions.js';
import { resolvePlatform } from './desired.js';
import { discoverChain } from './discover.js';
import { asReconcileError, ENGINE_MESSAGES } from './errors.js';
import { EVENT_REASONS, normal } from './events.js';
import { pairKeyOf } from './naming.js';
import { describeOperation } from './operations.js';
import { planDeletion } from './plan.js';
import type { AdobePort } from './ports.js';
import type { Session } from './session.js';

/** Reconciles a CR that has a deletionTimestamp; `release`s it once nothing is left to delete. */
export async function reconcileDeletion(s: Session): Promise<Action> {
  const gen = s.obj.generation;
  if ((s.obj.spec.deletionPolicy ?? 'Delete') === 'Orphan') {
    s.emit(
      normal(EVENT_REASONS.Orphaned, 'deletionPolicy is Orphan: the Adobe dataflow chain is left in place.'),
    );
    return release(s);
  }
  if (s.paused) {
    s.conclude(syncedFailure(gen, CONDITION_REASONS.ReconcilePaused, ENGINE_MESSAGES.pausedDeletion));
    return Action.awaitChange();
  }
  const platform = resolvePlatform(s.obj, s.ctx.secrets);
  if (!platform.ok) throw s.missingSecret(platform.missing, ENGINE_MESSAGES.cannotDelete);
  try {
    const port = s.ctx.connect(platform.value.credentials);
    await recordUnrecorded(s, port);
    const ops = planDeletion(s.status);
    s.ctx.onPlan?.({ ops, notices: [] });
    // The same line as a chain's plan: operators (and the soak's kills) see what a deletion does.
    if (ops.length > 0) s.logger.info({ object: s.key, ops: ops.map(describeOperation) }, 'applying plan');
    // A flow deleted just now holds its connections while delete-finalizing (Busy: tried later).
    const strays = { status: s.status, flowJustDeleted: ops.some((op) => op.link === 'flow') };
    const remove = (link: (typeof ops)[number]['link'][]) =>
      settleAll(
        ops
          .filter((op) => link.includes(op.link))
          .map((op) => deleteResource(port, s.record, s.emit, op, [], strays)),
      );
    await remove(['flow']);
    await remove(['sourceConnection', 'targetConnection']);
    await remove(['baseConnection']);
  } catch (err) {
    throw s.fail(asReconcileError(err), readyNot(gen, CONDITION_REASONS.Deleting, ENGINE_MESSAGES.deleting));
  }
  if (s.status.mappingSet)
    s.emit(normal(EVENT_REASONS.Orphaned, ENGINE_MESSAGES.mappingSetKept(s.status.mappingSet.id)));
  return release(s);
}

/** Writes the last status, then lets the finalizer go. */
async function release(s: Session): Promise<Action> {
  await s.flush();
  await s.ctx.release();
  return Action.awaitChange();
}

/** Records what discovery finds for empty status slots (never the mapping set: it is kept). */
async function recordUnrecorded(s: Session, port: AdobePort): Promise<void> {
  const { found } = await discoverChain(port, { uid: s.obj.uid, pairKey: pairKeyOf(s.obj.spec) }, s.status, {
    mappingSet: false,
  });
  if (Object.keys(found).length > 0) await s.record((st) => void Object.assign(st, found));
}
