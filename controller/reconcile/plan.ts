/**
 * Pure planning: desired chain + observed chain + status → ordered operations. No I/O, so it is
 * unit-tested with tables and printed as is by a dry-run `plan` command (see `describeOperation`).
 */
import { MAX_PENDING_DELETIONS } from '../api/index.js';
import { canonicalJson } from '../util/canonical-json.js';
import { CONDITION_REASONS, CONDITION_TYPES } from './conditions.js';
import type { DesiredChain } from './desired.js';
import type { ObservedChain } from './observe.js';
import {
  PLAN_REASONS,
  type DeleteOperation,
  type FieldDiff,
  type FlowPatch,
  type Notice,
  type Operation,
  type Plan,
} from './operations.js';
import type { DataflowStatus, RetiredRef } from './types.js';

/**
 * Start time a flow is created with when the spec says `enabled: false` (2100-01-01T00:00:00Z):
 * Adobe creates flows enabled, so no run may be due before the disable lands; once the flow is
 * disabled the real start time is patched in. A start time that has not passed can be changed.
 */
export const PARKED_START_TIME = 4_102_444_800;

const show = (v: unknown): string =>
  v === undefined ? '(none)' : typeof v === 'string' ? v : canonicalJson(v);

const differs = (a: unknown, b: unknown): boolean => canonicalJson(a) !== canonicalJson(b);

function diffFields(pairs: ReadonlyArray<[string, unknown, unknown]>): FieldDiff[] {
  return pairs
    .filter(([, from, to]) => differs(from, to))
    .map(([field, from, to]) => ({ field, from: show(from), to: show(to) }));
}

const missing = (seen: unknown): string =>
  seen === null ? PLAN_REASONS.deletedOutOfBand : PLAN_REASONS.notCreated;

/** True when the last reconcile stopped at the explore check: check again (Mixpanel may be fixed now). */
function accessFailedBefore(status: DataflowStatus): boolean {
  const reason = status.conditions?.find((c) => c.type === CONDITION_TYPES.Synced)?.reason;
  return (
    reason === CONDITION_REASONS.MixpanelCredentialsRejected ||
    reason === CONDITION_REASONS.MixpanelProjectNotFound ||
    reason === CONDITION_REASONS.MixpanelRequestRejected
  );
}

/**
 * Plans the chain; `nowSec` decides whether the flow's start time can still change. When the
 * replacements planned would push the pending deletions past what status can hold, only those
 * deletions are planned (with a `DeletionsPending` notice): nothing is ever dropped from the list.
 */
export function planChain(d: DesiredChain, o: ObservedChain, status: DataflowStatus, nowSec: number): Plan {
  const ops: Operation[] = [];
  const notices: Notice[] = [];

  // Base connection: created, or its credentials updated in place.
  const baseNew = !o.base;
  let credentialsChange = false;
  if (!o.base) ops.push({ link: 'baseConnection', verb: 'create', reason: missing(o.base) });
  else if (status.appliedSourceCredentialsHash !== d.mixpanel.hash) {
    credentialsChange = true;
    const diff = [
      {
        field: 'auth.params',
        from: `hash ${status.appliedSourceCredentialsHash ?? '(unknown)'}`,
        to: `hash ${d.mixpanel.hash}`,
      },
    ];
    ops.push({
      link: 'baseConnection',
      verb: 'update',
      id: o.base.id,
      diff,
      reason: PLAN_REASONS.credentialsChanged,
    });
  }

  // Source and target connections are replaced as a pair when a pair parameter changes.
  const pairDiff = diffFields([
    ['projectId', o.source?.projectId, o.source?.projectId === undefined ? undefined : d.source.projectId],
    ['timezone', o.source?.timezone, o.source?.timezone === undefined ? undefined : d.source.timezone],
    ['datasetId', o.target?.datasetId, o.target?.datasetId === undefined ? undefined : d.target.datasetId],
    ['schemaId', o.target?.schemaId, o.target?.schemaId === undefined ? undefined : d.target.schemaId],
  ]);
  const sourceOps: Operation[] = [];
  if (!o.source) sourceOps.push({ link: 'sourceConnection', verb: 'create', reason: missing(o.source) });
  else if (pairDiff.length > 0)
    sourceOps.push({
      link: 'sourceConnection',
      verb: 'replace',
      id: o.source.id,
      diff: pairDiff,
      reason: PLAN_REASONS.pairChanged,
    });
  else if (baseNew || (o.source.baseConnectionId !== undefined && o.source.baseConnectionId !== o.base?.id))
    sourceOps.push({
      link: 'sourceConnection',
      verb: 'replace',
      id: o.source.id,
      reason: PLAN_REASONS.baseReplaced,
    });

  if (sourceOps.length > 0 || credentialsChange || accessFailedBefore(status)) {
    const reason = credentialsChange ? PLAN_REASONS.credentialsChanged : PLAN_REASONS.accessUnverified;
    ops.push({ link: 'baseConnection', verb: 'verify', reason, ...(o.base ? { id: o.base.id } : {}) });
  }
  ops.push(...sourceOps);

  if (!o.target) ops.push({ link: 'targetConnection', verb: 'create', reason: missing(o.target) });
  else if (pairDiff.length > 0)
    ops.push({
      link: 'targetConnection',
      verb: 'replace',
      id: o.target.id,
      diff: pairDiff,
      reason: PLAN_REASONS.pairChanged,
    });

  // Mapping set: created, or PUT in place (Adobe bumps its version).
  let mappingChanges = !o.mapping;
  if (!o.mapping) ops.push({ link: 'mappingSet', verb: 'create', reason: missing(o.mapping) });
  else {
    const diff = diffFields([
      ['mappings', o.mapping.mappings, d.mapping.mappings],
      ['schemaId', o.mapping.schemaId ?? d.mapping.schemaId, d.mapping.schemaId],
    ]);
    if (diff.length > 0) {
      mappingChanges = true;
      ops.push({ link: 'mappingSet', verb: 'update', id: o.mapping.id, diff, reason: PLAN_REASONS.inPlace });
    }
  }

  planFlow(d, o, ops, notices, { mappingChanges, nowSec });
  const retired = status.pendingDeletions ?? [];
  const replacedNow = replacements(ops);
  if (retired.length + replacedNow.length > MAX_PENDING_DELETIONS)
    return { ops: deletes(retired, PLAN_REASONS.retired), notices: [...notices, deletionsPending(retired)] };
  ops.push(...deletes([...retired, ...replacedNow], PLAN_REASONS.retired));
  return { ops, notices };
}

function deletionsPending(retired: readonly RetiredRef[]): Notice {
  return {
    kind: 'DeletionsPending',
    message: `${retired.length} replaced resources wait for deletion; replacements wait until they are deleted`,
  };
}

function planFlow(
  d: DesiredChain,
  o: ObservedChain,
  ops: Operation[],
  notices: Notice[],
  ctx: { mappingChanges: boolean; nowSec: number },
): void {
  const connectionsNew = ops.some((op) => op.link === 'sourceConnection' || op.link === 'targetConnection');
  const f = o.flow;
  if (
    !f ||
    connectionsNew ||
    f.sourceConnectionIds.join() !== (o.source?.id ?? '') ||
    f.targetConnectionIds.join() !== (o.target?.id ?? '')
  ) {
    if (!f) ops.push({ link: 'flow', verb: 'create', reason: missing(f) });
    else ops.push({ link: 'flow', verb: 'replace', id: f.id, reason: PLAN_REASONS.connectionsReplaced });
    // A new flow starts enabled (Adobe's default), parked at PARKED_START_TIME when the spec says
    // enabled: false, and is disabled right away.
    if (!d.flow.enabled) ops.push({ link: 'flow', verb: 'disable', reason: PLAN_REASONS.enabledChanged });
    return;
  }
  // Only the two settled states can be toggled; Adobe refuses actions on transitional ones.
  const settled = f.state === 'enabled' || f.state === 'disabled';
  if (!settled)
    notices.push({
      kind: 'Transitioning',
      message: `the flow is ${f.state} in Adobe; it is checked again shortly`,
    });
  const want = d.flow.schedule;
  const parked = f.schedule.startTime === PARKED_START_TIME;
  // A parked flow keeps its parking start until it is disabled (or is to run after all).
  let startTime = parked
    ? f.state === 'disabled' || d.flow.enabled
      ? (want.startTime ?? ctx.nowSec)
      : PARKED_START_TIME
    : want.startTime;
  // A flow that took over from an earlier one (its base was replaced) starts where that one's last
  // run started: later than the spec's start, both in the past, same schedule grid. That is in sync.
  const flowStart = f.schedule.startTime;
  if (
    startTime !== undefined &&
    flowStart !== undefined &&
    !parked &&
    startTime <= ctx.nowSec &&
    flowStart <= ctx.nowSec &&
    flowStart >= startTime
  )
    startTime = flowStart;
  if (
    startTime !== undefined &&
    startTime !== f.schedule.startTime &&
    f.schedule.startTime !== undefined &&
    f.schedule.startTime <= ctx.nowSec
  ) {
    notices.push({
      kind: 'StartTimeLocked',
      message: `startTime stays ${f.schedule.startTime}; the flow already started`,
    });
    startTime = f.schedule.startTime;
  }
  const mappingTo = ctx.mappingChanges
    ? `${o.mapping?.id ?? '(new)'}@(next version)`
    : `${o.mapping?.id}@${o.mapping?.version}`;
  // Each field: its label and values for people, and what the patch writes when it differs.
  const diff: FieldDiff[] = [];
  const patch: FlowPatch = {};
  const field = (label: string, from: unknown, to: unknown, intent: () => void) => {
    if (!differs(from, to)) return;
    diff.push({ field: label, from: show(from), to: show(to) });
    intent();
  };
  field('name', f.name, d.flow.name, () => (patch.name = d.flow.name));
  field('description', f.description, d.flow.description, () => (patch.description = d.flow.description));
  field('schedule.frequency', f.schedule.frequency, want.frequency, () => (patch.frequency = want.frequency));
  field('schedule.interval', f.schedule.interval, want.interval, () => (patch.interval = want.interval));
  // The flow spec forbids backfill with `once`; Adobe stores it (default true) for the others.
  const backfill = want.frequency === 'once' ? undefined : f.schedule.backfill;
  field('schedule.backfill', f.schedule.backfill, backfill, () => (patch.backfill = undefined));
  field(
    'schedule.startTime',
    f.schedule.startTime,
    startTime ?? f.schedule.startTime,
    () => (patch.startTime = startTime),
  );
  field('mapping', `${f.mappingId}@${f.mappingVersion}`, mappingTo, () => (patch.mapping = true));
  // Adobe refuses updates of a flow in transition (1420/1457): wait for it to settle.
  if (diff.length > 0 && settled)
    ops.push({ link: 'flow', verb: 'update', id: f.id, diff, patch, reason: PLAN_REASONS.inPlace });
  const enabled = f.state === 'enabled';
  if (settled && d.flow.enabled !== enabled)
    ops.push({
      link: 'flow',
      verb: d.flow.enabled ? 'enable' : 'disable',
      id: f.id,
      reason: PLAN_REASONS.enabledChanged,
    });
}

const DELETE_ORDER: Record<RetiredRef['kind'], number> = {
  flow: 0,
  sourceConnection: 1,
  targetConnection: 1,
  baseConnection: 2,
};

/** The resources this plan replaces: each becomes a pending deletion once its successor exists. */
function replacements(ops: readonly Operation[]): RetiredRef[] {
  const out: RetiredRef[] = [];
  for (const op of ops) if (op.verb === 'replace') out.push({ kind: op.link, id: op.id });
  return out;
}

/** Deletes of `refs`, deduplicated, flows first, then source and target, then base connections. */
function deletes(refs: readonly RetiredRef[], reason: string): DeleteOperation[] {
  return refs
    .filter((r, i, arr) => arr.findIndex((x) => x.id === r.id) === i)
    .sort((a, b) => DELETE_ORDER[a.kind] - DELETE_ORDER[b.kind])
    .map((r) => ({ link: r.kind, verb: 'delete', id: r.id, reason }));
}

/** Plans the deletion of everything recorded in status: flows, then connections, then base. */
export function planDeletion(status: DataflowStatus): DeleteOperation[] {
  const refs: RetiredRef[] = [...(status.pendingDeletions ?? [])];
  if (status.flow?.id) refs.push({ kind: 'flow', id: status.flow.id });
  if (status.sourceConnection?.id) refs.push({ kind: 'sourceConnection', id: status.sourceConnection.id });
  if (status.targetConnection?.id) refs.push({ kind: 'targetConnection', id: status.targetConnection.id });
  if (status.baseConnection?.id) refs.push({ kind: 'baseConnection', id: status.baseConnection.id });
  return deletes(refs, PLAN_REASONS.deleting);
}
