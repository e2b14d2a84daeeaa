/**
 * The reconcile engine (kube-rs contract): `reconcile(object, ctx)` brings Adobe's chain to match
 * one MixpanelDataflow and resolves with the next Action, or throws one `ReconcileError`. Status,
 * events and the plan leave through the context's sinks; the runtime turns an error into an Action
 * with `errorPolicy`. It knows nothing of watches or queues. See README "How reconciliation works".
 */
import { MAX_PENDING_DELETIONS } from '../api/index.js';
import { Action } from '../runtime/action.js';
import { act } from './act.js';
import { adoptDiscovered } from './adopt.js';
import {
  CONDITION_REASONS,
  CONDITION_TYPES,
  getCondition,
  readyAvailable,
  readyNot,
  syncedFailure,
  syncedSuccess,
  type ConditionInput,
} from './conditions.js';
import type { ReconcileContext } from './context.js';
import { reconcileDeletion } from './delete.js';
import { desiredChain, resolveMixpanel, resolvePlatform } from './desired.js';
import { waitsForChange } from './error-policy.js';
import { asReconcileError, ENGINE_MESSAGES, ReconcileError } from './errors.js';
import { EVENT_REASONS, normal } from './events.js';
import { stableHash } from './hash.js';
import type { Link } from './naming.js';
import { observe, type ObservedChain } from './observe.js';
import { describeOperation, type Notice, type Operation } from './operations.js';
import { planChain } from './plan.js';
import type { AdobePort } from './ports.js';
import { pollRuns } from './run-monitor.js';
import { healthCondition } from './runs.js';
import { Session } from './session.js';
import { settled, settleRecheck } from './settle.js';
import type { DataflowObject } from './types.js';

/** Observe→plan→act passes per reconcile (412 conflicts and adoptions re-plan at once). */
export const MAX_PASSES = 3;

/** Reconciles `object`: resolves with the next Action, or throws a ReconcileError. */
export async function reconcile(object: DataflowObject, ctx: ReconcileContext): Promise<Action> {
  const s = new Session(object, ctx);
  let outcome: Action | ReconcileError;
  try {
    outcome = object.deletionTimestamp ? await reconcileDeletion(s) : await apply(s);
  } catch (err) {
    // Every failure branch records its conditions before throwing; this is the safety net.
    outcome = err instanceof ReconcileError ? err : s.fail(asReconcileError(err));
  }
  await s.flush();
  if (outcome instanceof ReconcileError) throw outcome;
  return outcome;
}

async function apply(s: Session): Promise<Action> {
  const platform = resolvePlatform(s.obj, s.ctx.secrets);
  if (!platform.ok) throw s.missingSecret(platform.missing);
  const mixpanel = resolveMixpanel(s.obj, s.ctx.secrets);
  if (!mixpanel.ok) throw s.missingSecret(mixpanel.missing);

  const fingerprint = stableHash({
    generation: s.obj.generation,
    platform: platform.value.hash,
    mixpanel: mixpanel.value.hash,
  });
  if (s.status.terminalFingerprint === fingerprint) throw terminalAgain(s);

  const desired = desiredChain(s.obj, mixpanel.value);
  let ops: Operation[] = [];
  let port: AdobePort;
  try {
    port = s.ctx.connect(platform.value.credentials);
  } catch (err) {
    throw failure(s, asReconcileError(err), { acting: false, fingerprint });
  }
  let absent: ReadonlySet<Link> | undefined;
  let transitioning = false;
  let cleanupPending = false;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let acting = false;
    let held = false;
    try {
      if (!s.status.baseConnection) absent = await adoptDiscovered(s, port, desired);
      const observed = await observe(port, s.status);
      await syncObserved(s, observed);
      const plan = planChain(desired, observed, s.status, s.nowSec);
      ops = plan.ops;
      held = plan.notices.some((n) => n.kind === 'DeletionsPending');
      s.ctx.onPlan?.(plan);
      if (s.paused) return finishPaused(s, ops, await runHealth(s, port, observed));
      if (ops.length > 0) {
        acting = true;
        s.logger.info({ object: s.key, ops: ops.map(describeOperation) }, 'applying plan');
        const pendingBefore = s.status.pendingDeletions?.length ?? 0;
        const outcome = await act(ops, {
          port,
          desired,
          status: s.status,
          record: s.record,
          emit: s.emit,
          nowSec: s.nowSec,
          observed,
          ...(absent ? { absent } : {}),
        });
        absent = undefined;
        if (outcome.adopted || outcome.replan) continue;
        // Replacements were held back; deletes that went through make room for them at once.
        if (held && (s.status.pendingDeletions?.length ?? 0) < pendingBefore) continue;
        transitioning = outcome.flowTransitioning === true;
        cleanupPending = outcome.cleanupPending === true;
      }
      if (held) throw deletionsPending(s);
      await noteRotation(s, platform.value.hash);
      delete s.status.terminalFingerprint;
      const health = await runHealth(s, port, observed);
      // The flow is still moving between states in Adobe (a toggle just sent, or one seen in
      // flight): not Ready until it lands. Retired resources Adobe will not delete yet do not
      // hold Ready back (the new chain runs). Either way, look again shortly.
      transitioning ||= plan.notices.some((n) => n.kind === 'Transitioning');
      const ready = transitioning
        ? readyNot(s.obj.generation, CONDITION_REASONS.OutOfSync, ENGINE_MESSAGES.transitioning)
        : readyAvailable(s.obj.generation);
      s.conclude(syncedCondition(s, plan.notices), ready, ...health);
      if (transitioning || cleanupPending) return Action.requeue(settleRecheck(s.status, s.now));
      settled(s.status);
      return Action.awaitChange();
    } catch (err) {
      if (held && err instanceof ReconcileError && err.reason === CONDITION_REASONS.DeletionsPending)
        throw err;
      const e = asReconcileError(err);
      s.logger.warn(
        { object: s.key, kind: e.kind, reason: e.reason, message: e.message },
        'reconcile failed',
      );
      if (e.kind === 'Stale' && pass < MAX_PASSES - 1) continue;
      throw held ? deletionsPending(s, e) : failure(s, e, { acting, fingerprint });
    }
  }
  // Only reachable when every pass adopted something; the next reconcile continues.
  s.conclude(readyNot(s.obj.generation, CONDITION_REASONS.OutOfSync, ENGINE_MESSAGES.outOfSync));
  return Action.requeue(0);
}

function syncedCondition(s: Session, notices: Notice[]) {
  const locked = notices.find((n) => n.kind === 'StartTimeLocked');
  return locked
    ? syncedFailure(s.obj.generation, CONDITION_REASONS.StartTimeLocked, ENGINE_MESSAGES.startTimeLocked)
    : syncedSuccess(s.obj.generation);
}

/** Copies fresh etags, flow state and mapping version from the observation into status. */
async function syncObserved(s: Session, o: ObservedChain): Promise<void> {
  await s.record((st) => {
    if (o.base && st.baseConnection) st.baseConnection.etag = o.base.etag;
    if (o.source && st.sourceConnection) st.sourceConnection.etag = o.source.etag;
    if (o.target && st.targetConnection) st.targetConnection.etag = o.target.etag;
    if (o.flow && st.flow) st.flow = { id: o.flow.id, etag: o.flow.etag, state: o.flow.state };
    if (o.mapping) st.mappingSet = { id: o.mapping.id, version: o.mapping.version };
  });
}

/** Records the platform credentials hash; a change since last time is a rotation event. */
async function noteRotation(s: Session, hash: string): Promise<void> {
  const before = s.status.appliedPlatformCredentialsHash;
  if (before === hash) return;
  if (before !== undefined)
    s.emit(
      normal(
        EVENT_REASONS.CredentialsRotated,
        'The platform credentials Secret changed; a new IMS token is in use.',
      ),
    );
  await s.record((st) => {
    st.appliedPlatformCredentialsHash = hash;
  });
}

/**
 * The Healthy condition from one poll of the flow's runs (runs.ts), when the flow existed before
 * this pass; a flow created just now has no runs to read yet. Empty when the poll failed.
 */
async function runHealth(s: Session, port: AdobePort, o: ObservedChain): Promise<ConditionInput[]> {
  const flowId = o.flow ? (s.status.flow?.id ?? o.flow.id) : undefined;
  if (flowId) {
    const health = await pollRuns(s, port, flowId, s.ctx.runs);
    return health ? [health] : [];
  }
  if (s.status.lastRun) return [];
  return [healthCondition({ generation: s.obj.generation, lastRun: undefined, nowMs: s.now.getTime() })];
}

function finishPaused(s: Session, ops: Operation[], health: ConditionInput[]): Action {
  const gen = s.obj.generation;
  const ready =
    ops.length === 0
      ? readyAvailable(gen)
      : readyNot(gen, CONDITION_REASONS.OutOfSync, ENGINE_MESSAGES.outOfSync);
  s.conclude(syncedFailure(gen, CONDITION_REASONS.ReconcilePaused, ENGINE_MESSAGES.paused), ready, ...health);
  return Action.awaitChange();
}

/** The terminal error already recorded for this generation and these Secrets: no Adobe call. */
function terminalAgain(s: Session): ReconcileError {
  const synced = getCondition(s.status.conditions, CONDITION_TYPES.Synced);
  return new ReconcileError({
    kind: 'Terminal',
    reason: CONDITION_REASONS.ValidationFailed,
    message: synced?.message ?? ENGINE_MESSAGES.terminal('unchanged since the last attempt'),
  });
}

/**
 * Replacements are held back until earlier replaced resources are deleted (status holds at most
 * MAX_PENDING_DELETIONS): visible as Synced=False, with the last deletion error when there was one.
 */
function deletionsPending(s: Session, cause?: ReconcileError): ReconcileError {
  const count = s.status.pendingDeletions?.length ?? 0;
  const message = ENGINE_MESSAGES.deletionsPending(count, MAX_PENDING_DELETIONS);
  return s.fail(
    new ReconcileError({
      kind: cause?.kind === 'Throttled' || cause?.kind === 'Credentials' ? cause.kind : 'Transient',
      reason: CONDITION_REASONS.DeletionsPending,
      message: cause ? `${message} Last error: ${cause.message}` : message,
      ...(cause?.retryAfterMs !== undefined ? { retryAfterMs: cause.retryAfterMs } : {}),
      ...(cause ? { cause } : {}),
    }),
    readyNot(s.obj.generation, CONDITION_REASONS.OutOfSync, ENGINE_MESSAGES.outOfSync),
  );
}

function failure(
  s: Session,
  e: ReconcileError,
  ctx: { acting: boolean; fingerprint: string },
): ReconcileError {
  const gen = s.obj.generation;
  // A failed observation says nothing new about readiness; a failed act means the chain differs.
  const others: ConditionInput[] = [];
  if (ctx.acting) {
    const creating = !s.status.flow;
    others.push(
      readyNot(
        gen,
        creating ? CONDITION_REASONS.Creating : CONDITION_REASONS.OutOfSync,
        creating ? ENGINE_MESSAGES.creating : ENGINE_MESSAGES.outOfSync,
      ),
    );
  }
  // What the error policy will not retry on its own is not retried by a resync either.
  if (waitsForChange(e)) s.status.terminalFingerprint = ctx.fingerprint;
  return s.fail(e, ...others);
}
