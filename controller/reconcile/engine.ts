/**
 * The reconcile engine: one MixpanelDataflow + its Secrets in, new status + events + next action
 * out. It knows nothing of watches or queues; the runtime calls `reconcile` and persists status.
 */
import { ANNOTATIONS } from '../api/index.js';
import { Action, backoffDelay } from './action.js';
import { act } from './act.js';
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
import { reconcileDeletion } from './delete.js';
import { desiredChain, resolveMixpanel, resolvePlatform, type MissingSecret } from './desired.js';
import { classify, ENGINE_MESSAGES, missingSecretCondition, type ReconcileFailure } from './errors.js';
import { EVENT_REASONS, normal, warning } from './events.js';
import { stableHash } from './hash.js';
import { observe, type ObservedChain } from './observe.js';
import { describeOperation, planChain, type Notice, type Operation } from './plan.js';
import type { AdobePort } from './ports.js';
import { pollRuns } from './run-monitor.js';
import { healthCondition } from './runs.js';
import { result, type ReconcileResult } from './result.js';
import { Session, type ReconcileDeps, type ReconcileInput } from './session.js';

/** Annotation that pauses writes to Adobe (`"true"`). */
export const PAUSED_ANNOTATION = ANNOTATIONS.paused;

/** Brings Adobe's chain to match the CR; see README "How reconciliation works". */
export async function reconcile(input: ReconcileInput, deps: ReconcileDeps): Promise<ReconcileResult> {
  const s = new Session(input, deps);
  if (input.object.deletionTimestamp) return reconcileDeletion(s);
  const platform = resolvePlatform(s.obj, input.secrets);
  if (!platform.ok) return missingSecret(s, platform.missing);
  const mixpanel = resolveMixpanel(s.obj, input.secrets);
  if (!mixpanel.ok) return missingSecret(s, mixpanel.missing);

  const fingerprint = stableHash({
    generation: s.obj.generation,
    platform: platform.value.hash,
    mixpanel: mixpanel.value.hash,
  });
  if (s.status.terminalFingerprint === fingerprint)
    return result(s, Action.awaitChange(), {
      error: { kind: 'Terminal', reason: CONDITION_REASONS.ValidationFailed },
    });

  const desired = desiredChain(s.obj, mixpanel.value);
  let ops: Operation[] = [];
  let notices: Notice[] = [];
  let port: AdobePort;
  try {
    port = deps.connect(platform.value.credentials);
  } catch (err) {
    return finishFailure(s, classify(err), { acting: false, fingerprint, ops, notices });
  }
  let transitioning = false;
  let cleanupPending = false;
  for (let pass = 0; pass < s.opts.maxPasses; pass++) {
    let acting = false;
    try {
      const observed = await observe(port, s.status);
      await syncObserved(s, observed);
      ({ ops, notices } = planChain(desired, observed, s.status, s.nowSec));
      if (s.paused) return finishPaused(s, ops, notices, await runHealth(s, port, observed));
      if (ops.length > 0) {
        acting = true;
        s.logger.info({ object: key(s), ops: ops.map(describeOperation) }, 'applying plan');
        const outcome = await act(ops, {
          port,
          desired,
          status: s.status,
          record: s.record,
          emit: s.emit,
          nowSec: s.nowSec,
          observed,
        });
        if (outcome.adopted || outcome.replan) continue;
        transitioning = outcome.flowTransitioning === true;
        cleanupPending = outcome.cleanupPending === true;
      }
      await noteRotation(s, platform.value.hash);
      delete s.status.terminalFingerprint;
      const health = await runHealth(s, port, observed);
      // The flow is still moving between states in Adobe (a toggle just sent, or one seen in
      // flight): not Ready until it lands. Retired resources Adobe will not delete yet do not
      // hold Ready back (the new chain runs). Either way, look again after a backoff.
      transitioning ||= notices.some((n) => n.kind === 'Transitioning');
      const ready = transitioning
        ? readyNot(s.obj.generation, CONDITION_REASONS.OutOfSync, ENGINE_MESSAGES.transitioning)
        : readyAvailable(s.obj.generation);
      s.conclude(syncedCondition(s, notices), ready, ...health);
      const next =
        transitioning || cleanupPending
          ? Action.requeue(backoffDelay(s.input.failures ?? 0, s.opts, s.random))
          : Action.awaitChange();
      return result(s, next, { plan: ops, notices });
    } catch (err) {
      const failure = classify(err);
      s.logger.warn(
        { object: key(s), kind: failure.kind, reason: failure.reason, message: failure.message },
        'reconcile failed',
      );
      if (failure.kind === 'Stale' && pass < s.opts.maxPasses - 1) continue;
      return finishFailure(s, failure, { acting, fingerprint, ops, notices });
    }
  }
  // Only reachable when every pass adopted something; the next reconcile continues.
  s.conclude(readyNot(s.obj.generation, CONDITION_REASONS.OutOfSync, ENGINE_MESSAGES.outOfSync));
  return result(s, Action.requeue(0), { plan: ops, notices });
}

const key = (s: Session) => `${s.obj.namespace}/${s.obj.name}`;

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
    const health = await pollRuns(s, port, flowId, s.deps.runs);
    return health ? [health] : [];
  }
  if (s.status.lastRun) return [];
  return [healthCondition({ generation: s.obj.generation, lastRun: undefined, nowMs: s.now.getTime() })];
}

function finishPaused(
  s: Session,
  ops: Operation[],
  notices: Notice[],
  health: ConditionInput[],
): ReconcileResult {
  const gen = s.obj.generation;
  const ready =
    ops.length === 0
      ? readyAvailable(gen)
      : readyNot(gen, CONDITION_REASONS.OutOfSync, ENGINE_MESSAGES.outOfSync);
  s.conclude(syncedFailure(gen, CONDITION_REASONS.ReconcilePaused, ENGINE_MESSAGES.paused), ready, ...health);
  return result(s, Action.awaitChange(), { plan: ops, notices });
}

function missingSecret(s: Session, missing: MissingSecret): ReconcileResult {
  const gen = s.obj.generation;
  const { reason, message } = missingSecretCondition(missing);
  const before = getCondition(s.status.conditions, CONDITION_TYPES.Synced);
  if (before?.reason !== reason || before.message !== message)
    s.emit(warning(missing.problem ? EVENT_REASONS.InvalidSecret : EVENT_REASONS.MissingSecret, message));
  s.conclude(syncedFailure(gen, reason, message));
  return result(s, Action.requeue(s.opts.missingSecretRetryMs), { error: { kind: 'MissingSecret', reason } });
}

function finishFailure(
  s: Session,
  f: ReconcileFailure,
  ctx: { acting: boolean; fingerprint: string; ops: Operation[]; notices: Notice[] },
): ReconcileResult {
  const gen = s.obj.generation;
  const conditions = [syncedFailure(gen, f.reason, f.message)];
  // A failed observation says nothing new about readiness; a failed act means the chain differs.
  if (ctx.acting) {
    const creating = !s.status.flow;
    conditions.push(
      readyNot(
        gen,
        creating ? CONDITION_REASONS.Creating : CONDITION_REASONS.OutOfSync,
        creating ? ENGINE_MESSAGES.creating : ENGINE_MESSAGES.outOfSync,
      ),
    );
  }
  s.conclude(...conditions);
  let action: Action;
  switch (f.kind) {
    case 'Terminal':
      s.status.terminalFingerprint = ctx.fingerprint;
      s.emit(warning(EVENT_REASONS.TerminalError, f.message));
      action = Action.awaitChange();
      break;
    case 'Credentials':
      s.emit(warning(EVENT_REASONS.CredentialsRejected, f.message));
      action = Action.requeue(s.opts.credentialsRetryMs);
      break;
    case 'Throttled':
      action = Action.requeue(f.retryAfterMs ?? s.opts.throttleDefaultMs);
      break;
    default:
      action = Action.requeue(backoffDelay(s.input.failures ?? 0, s.opts, s.random));
  }
  return result(s, action, {
    plan: ctx.ops,
    notices: ctx.notices,
    error: { kind: f.kind, reason: f.reason },
  });
}
