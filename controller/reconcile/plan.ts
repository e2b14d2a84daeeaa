/**
 * Pure planning: desired chain + observed chain + status → ordered operations. No I/O, so it is
 * unit-tested with tables and printed as is by a dry-run `plan` command (see `describeOperation`).
 */
import { CONDITION_REASONS, CONDITION_TYPES } from './conditions.js';
import { canonicalJson } from '../util/canonical-json.js';
import type { DesiredChain } from './desired.js';
import type { Link } from './naming.js';
import type { ObservedChain } from './observe.js';
import type { DataflowStatus, RetiredRef } from './types.js';

/** What an operation does to its link. `verify` is the explore check of Mixpanel access. */
export const VERBS = ['create', 'update', 'replace', 'delete', 'enable', 'disable', 'verify'] as const;

/** One verb. */
export type Verb = (typeof VERBS)[number];

/** Why an operation is planned; stable strings a user reads in `plan` output. */
export const PLAN_REASONS = {
  notCreated: 'not created yet',
  deletedOutOfBand: 'deleted outside the controller',
  credentialsChanged: 'the Mixpanel credentials Secret changed',
  accessUnverified: 'Mixpanel access for this project is not verified yet',
  pairChanged:
    'Adobe does not update source/target connections in place: projectId, timezone, datasetId or schemaId changed',
  baseReplaced: 'its base connection was recreated',
  connectionsReplaced: 'its source or target connection is new',
  inPlace: 'the spec differs from Adobe',
  enabledChanged: 'spec.enabled differs from the flow state',
  retired: 'replaced by a new resource',
  deleting: 'the MixpanelDataflow is being deleted',
} as const;

/** One field that an update changes (values printed, never secret). */
export interface FieldDiff {
  field: string;
  from: string;
  to: string;
}

/** One planned operation. `id` is the existing resource acted on, when there is one. */
export interface Operation {
  link: Link;
  verb: Verb;
  reason: string;
  id?: string;
  diff?: FieldDiff[];
}

/** Something the plan will not do, reported instead of fought. */
export interface Notice {
  kind: 'StartTimeLocked';
  message: string;
}

/** The ordered operations plus notices. */
export interface Plan {
  ops: Operation[];
  notices: Notice[];
}

const show = (v: unknown): string =>
  v === undefined ? '(none)' : typeof v === 'string' ? v : canonicalJson(v);

function diffFields(pairs: ReadonlyArray<[string, unknown, unknown]>): FieldDiff[] {
  return pairs
    .filter(([, from, to]) => canonicalJson(from) !== canonicalJson(to))
    .map(([field, from, to]) => ({ field, from: show(from), to: show(to) }));
}

const missing = (seen: unknown): string =>
  seen === null ? PLAN_REASONS.deletedOutOfBand : PLAN_REASONS.notCreated;

/** True when the last reconcile stopped at the explore check: check again (Mixpanel may be fixed now). */
function accessFailedBefore(status: DataflowStatus): boolean {
  const reason = status.conditions?.find((c) => c.type === CONDITION_TYPES.Synced)?.reason;
  return (
    reason === CONDITION_REASONS.MixpanelCredentialsRejected ||
    reason === CONDITION_REASONS.MixpanelProjectNotFound
  );
}

/** Plans the chain; `nowSec` decides whether the flow's start time can still change. */
export function planChain(d: DesiredChain, o: ObservedChain, status: DataflowStatus, nowSec: number): Plan {
  const ops: Operation[] = [];
  const notices: Notice[] = [];

  // Base connection: created, or its credentials updated in place.
  const baseNew = !o.base;
  if (!o.base) ops.push({ link: 'baseConnection', verb: 'create', reason: missing(o.base) });
  else if (status.appliedSourceCredentialsHash !== d.mixpanel.hash) {
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

  const credentialsChange = ops.some((op) => op.verb === 'update');
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
  ops.push(...planRetiredDeletes(status.pendingDeletions ?? [], ops));
  return { ops, notices };
}

function planFlow(
  d: DesiredChain,
  o: ObservedChain,
  ops: Operation[],
  notices: Notice[],
  ctx: { mappingChanges: boolean; nowSec: number },
): void {
  const connectionsNew = ops.some(
    (op) => (op.link === 'sourceConnection' || op.link === 'targetConnection') && op.verb !== 'update',
  );
  const f = o.flow;
  if (
    !f ||
    connectionsNew ||
    f.sourceConnectionIds.join() !== (o.source?.id ?? '') ||
    f.targetConnectionIds.join() !== (o.target?.id ?? '')
  ) {
    if (!f) ops.push({ link: 'flow', verb: 'create', reason: missing(f) });
    else ops.push({ link: 'flow', verb: 'replace', id: f.id, reason: PLAN_REASONS.connectionsReplaced });
    // A new flow starts enabled (Adobe's default); disable it right away when the spec says so.
    if (!d.flow.enabled) ops.push({ link: 'flow', verb: 'disable', reason: PLAN_REASONS.enabledChanged });
    return;
  }
  const want = d.flow.schedule;
  let startTime = want.startTime;
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
  const diff = diffFields([
    ['name', f.name, d.flow.name],
    ['description', f.description, d.flow.description],
    ['schedule.frequency', f.schedule.frequency, want.frequency],
    ['schedule.interval', f.schedule.interval, want.interval],
    ['schedule.startTime', f.schedule.startTime, startTime ?? f.schedule.startTime],
    ['mapping', `${f.mappingId}@${f.mappingVersion}`, mappingTo],
  ]);
  if (diff.length > 0)
    ops.push({ link: 'flow', verb: 'update', id: f.id, diff, reason: PLAN_REASONS.inPlace });
  // Only the two settled states can be toggled; Adobe refuses actions on transitional ones (1422).
  const settled = f.state === 'enabled' || f.state === 'disabled';
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

/** Deletes of resources replaced earlier or now; they run only after the new chain is complete. */
function planRetiredDeletes(retired: readonly RetiredRef[], ops: readonly Operation[]): Operation[] {
  const replacedNow: RetiredRef[] = ops
    .filter((op) => op.verb === 'replace' && op.id !== undefined && op.link !== 'mappingSet')
    .map((op) => ({ kind: op.link as RetiredRef['kind'], id: op.id as string }));
  const all = [...retired, ...replacedNow].filter((r, i, arr) => arr.findIndex((x) => x.id === r.id) === i);
  return all
    .sort((a, b) => DELETE_ORDER[a.kind] - DELETE_ORDER[b.kind])
    .map((r) => ({ link: r.kind, verb: 'delete', id: r.id, reason: PLAN_REASONS.retired }));
}

/** Plans the deletion of everything recorded in status: flows, then connections, then base. */
export function planDeletion(status: DataflowStatus): Operation[] {
  const refs: RetiredRef[] = [...(status.pendingDeletions ?? [])];
  if (status.flow?.id) refs.push({ kind: 'flow', id: status.flow.id });
  if (status.sourceConnection?.id) refs.push({ kind: 'sourceConnection', id: status.sourceConnection.id });
  if (status.targetConnection?.id) refs.push({ kind: 'targetConnection', id: status.targetConnection.id });
  if (status.baseConnection?.id) refs.push({ kind: 'baseConnection', id: status.baseConnection.id });
  return refs
    .filter((r, i, arr) => arr.findIndex((x) => x.id === r.id) === i)
    .sort((a, b) => DELETE_ORDER[a.kind] - DELETE_ORDER[b.kind])
    .map((r) => ({ link: r.kind, verb: 'delete', id: r.id, reason: PLAN_REASONS.deleting }));
}

/** One line describing an operation, e.g. for a dry-run `plan` command. */
export function describeOperation(op: Operation): string {
  const target = op.id ? `${op.link} ${op.id}` : op.link;
  const diff = op.diff?.length ? `: ${op.diff.map((x) => `${x.field} ${x.from} → ${x.to}`).join('; ')}` : '';
  return `${op.verb} ${target}${diff} (${op.reason})`;
}
