/**
 * Deletion of the chain when the CR is being deleted. `Orphan` touches nothing. `Delete` removes
 * the flow(s), then source and target connections, then base connection(s); 404 counts as done.
 * Mapping sets stay: Data Prep has no delete. Links whose id never reached status (a crash right
 * after create) are looked up by their first deterministic name, so they are not leaked.
 */
import { Action, backoffDelay } from './action.js';
import { settleAll } from './act.js';
import { CONDITION_REASONS, readyNot, syncedFailure } from './conditions.js';
import { resolvePlatform } from './desired.js';
import { classify, ENGINE_MESSAGES, missingSecretCondition } from './errors.js';
import { EVENT_REASONS, normal, warning } from './events.js';
import { resourceName } from './naming.js';
import { describeOperation, planDeletion, type Operation } from './plan.js';
import type { AdobePort } from './ports.js';
import { result, type ReconcileResult } from './result.js';
import type { Session } from './session.js';
import { deleteConnectionAndStrays } from './stray-flows.js';

/** Reconciles a CR that has a deletionTimestamp. */
export async function reconcileDeletion(s: Session): Promise<ReconcileResult> {
  const gen = s.obj.generation;
  if ((s.obj.spec.deletionPolicy ?? 'Delete') === 'Orphan') {
    s.emit(
      normal(EVENT_REASONS.Orphaned, 'deletionPolicy is Orphan: the Adobe dataflow chain is left in place.'),
    );
    return result(s, Action.awaitChange(), { deletionComplete: true });
  }
  if (s.paused) {
    s.conclude(syncedFailure(gen, CONDITION_REASONS.ReconcilePaused, ENGINE_MESSAGES.pausedDeletion));
    return result(s, Action.awaitChange());
  }
  const platform = resolvePlatform(s.obj, s.input.secrets);
  if (!platform.ok) {
    const missing = missingSecretCondition(platform.missing);
    const { reason } = missing;
    const message = ENGINE_MESSAGES.cannotDelete(missing.message);
    s.conclude(syncedFailure(gen, reason, message));
    s.emit(
      warning(platform.missing.problem ? EVENT_REASONS.InvalidSecret : EVENT_REASONS.MissingSecret, message),
    );
    return result(s, Action.requeue(s.opts.missingSecretRetryMs), {
      error: { kind: 'MissingSecret', reason },
    });
  }
  let ops: Operation[] = [];
  try {
    const port = s.deps.connect(platform.value.credentials);
    await findUnrecorded(s, port);
    ops = planDeletion(s.status);
    // The same line as a chain's plan: operators (and the soak's kills) see what a deletion does.
    if (ops.length > 0)
      s.logger.info(
        { object: `${s.obj.namespace}/${s.obj.name}`, ops: ops.map(describeOperation) },
        'applying plan',
      );
    const flows = ops.filter((op) => op.link === 'flow');
    await settleAll(flows.map((op) => remove(s, port, op)));
    // A flow deleted just now holds its connections while delete-finalizing (1447: try later).
    const flowJustDeleted = flows.length > 0;
    await settleAll(
      ops
        .filter((op) => op.link === 'sourceConnection' || op.link === 'targetConnection')
        .map((op) => remove(s, port, op, flowJustDeleted)),
    );
    await settleAll(ops.filter((op) => op.link === 'baseConnection').map((op) => remove(s, port, op)));
  } catch (err) {
    const f = classify(err);
    s.conclude(
      syncedFailure(gen, f.reason, f.message),
      readyNot(gen, CONDITION_REASONS.Deleting, ENGINE_MESSAGES.deleting),
    );
    if (f.kind === 'Credentials') s.emit(warning(EVENT_REASONS.CredentialsRejected, f.message));
    if (f.kind === 'Terminal') s.emit(warning(EVENT_REASONS.TerminalError, f.message));
    const wait =
      f.kind === 'Credentials'
        ? s.opts.credentialsRetryMs
        : f.kind === 'Throttled'
          ? (f.retryAfterMs ?? s.opts.throttleDefaultMs)
          : backoffDelay(s.input.failures ?? 0, s.opts, s.random);
    return result(s, Action.requeue(wait), { plan: ops, error: { kind: f.kind, reason: f.reason } });
  }
  if (s.status.mappingSet)
    s.emit(normal(EVENT_REASONS.Orphaned, ENGINE_MESSAGES.mappingSetKept(s.status.mappingSet.id)));
  return result(s, Action.awaitChange(), { plan: ops, deletionComplete: true });
}

async function remove(s: Session, port: AdobePort, op: Operation, flowJustDeleted = false): Promise<void> {
  const id = op.id as string;
  if (op.link === 'flow') await port.deleteFlow(id);
  else if (op.link === 'sourceConnection' || op.link === 'targetConnection')
    await deleteConnectionAndStrays(
      port,
      s.status,
      op.link,
      id,
      (stray) =>
        s.emit(normal(EVENT_REASONS.Deleted, `Deleted flow ${stray}: it was left on ${op.link} ${id}.`)),
      flowJustDeleted,
    );
  else if (op.link !== 'mappingSet') await port.deleteConnection(op.link, id);
  await s.record((st) => {
    for (const slot of ['flow', 'sourceConnection', 'targetConnection', 'baseConnection'] as const)
      if (st[slot]?.id === id) delete st[slot];
    st.pendingDeletions = (st.pendingDeletions ?? []).filter((r) => r.id !== id);
    if (st.pendingDeletions.length === 0) delete st.pendingDeletions;
  });
  s.emit(normal(EVENT_REASONS.Deleted, `Deleted ${op.link} ${id}.`));
}

/** For empty status slots, finds what a first create would have named and records it. */
async function findUnrecorded(s: Session, port: AdobePort): Promise<void> {
  const { uid, spec } = s.obj;
  const pairKey = [spec.source.projectId, spec.source.timezone, spec.target.datasetId, spec.target.schemaId];
  const st = s.status;
  if (!st.baseConnection) {
    const found = await port.findConnectionByName(
      'baseConnection',
      resourceName(uid, 'baseConnection', [], ''),
    );
    if (found) await s.record((x) => void (x.baseConnection = { id: found.id, etag: found.etag }));
  }
  if (!st.targetConnection) {
    const found = await port.findConnectionByName(
      'targetConnection',
      resourceName(uid, 'targetConnection', pairKey, ''),
    );
    if (found) await s.record((x) => void (x.targetConnection = { id: found.id, etag: found.etag }));
  }
  const baseId = st.baseConnection?.id;
  if (!st.sourceConnection && baseId) {
    const name = resourceName(uid, 'sourceConnection', [...pairKey, baseId], '');
    const found = await port.findConnectionByName('sourceConnection', name, { baseConnectionId: baseId });
    if (found) await s.record((x) => void (x.sourceConnection = { id: found.id, etag: found.etag }));
  }
  const [src, tgt] = [st.sourceConnection?.id, st.targetConnection?.id];
  if (!st.flow && src && tgt) {
    const name = s.obj.spec.displayName ?? `${s.obj.namespace}/${s.obj.name}`;
    const found = await port.findFlow({ name, sourceConnectionId: src, targetConnectionId: tgt });
    if (found) await s.record((x) => void (x.flow = { id: found.id, etag: found.etag }));
  }
}
