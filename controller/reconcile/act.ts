/**
 * Acting: runs a plan along the dependency graph. Base → verify → source runs beside the target
 * connection and the mapping set; the flow waits for all three; deletes of replaced resources run
 * last and only when everything before succeeded. Each new id/etag is recorded (and reported
 * through the progress callback) as soon as Adobe returns it. A branch stops at its first error.
 */
import { ReconcileFailure } from './errors.js';
import { CONDITION_REASONS } from './conditions.js';
import { ENGINE_MESSAGES } from './errors.js';
import { EVENT_REASONS, normal, type EngineEvent } from './events.js';
import type { DesiredChain } from './desired.js';
import { resourceName, type Link } from './naming.js';
import type { ObservedChain } from './observe.js';
import type { Operation } from './plan.js';
import type { AdobePort, ConnectionKind, PatchOp, Written } from './ports.js';
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
  /** The observation the plan was made from (names of existing resources). */
  observed: ObservedChain;
}

/** Result of acting: whether something was adopted (then the caller re-observes and re-plans). */
export interface ActOutcome {
  adopted: boolean;
}

/** Runs `ops` in dependency order. Throws the first failure after every branch settled. */
export async function act(ops: readonly Operation[], ctx: ActContext): Promise<ActOutcome> {
  const outcome: ActOutcome = { adopted: false };
  const run = (filter: (op: Operation) => boolean) => async () => {
    for (const op of ops.filter(filter)) await execute(op, ctx, outcome);
  };
  const isDelete = (op: Operation) => op.verb === 'delete';
  const branches = await Promise.allSettled([
    run((op) => !isDelete(op) && (op.link === 'baseConnection' || op.link === 'sourceConnection'))(),
    run((op) => !isDelete(op) && op.link === 'targetConnection')(),
    run((op) => !isDelete(op) && op.link === 'mappingSet')(),
  ]);
  const failed = branches.find((b): b is PromiseRejectedResult => b.status === 'rejected');
  if (failed) throw failed.reason;
  await run((op) => !isDelete(op) && op.link === 'flow')();
  // Deletes: flows first, then connections in parallel, then base connections.
  await run((op) => isDelete(op) && op.link === 'flow')();
  const connections = ops.filter(
    (op) => isDelete(op) && (op.link === 'sourceConnection' || op.link === 'targetConnection'),
  );
  await settleAll(connections.map((op) => execute(op, ctx, outcome)));
  await run((op) => isDelete(op) && op.link === 'baseConnection')();
  return outcome;
}

/** Awaits all promises, then throws the first rejection. */
export async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

const CONNECTION_SLOT = {
  baseConnection: 'baseConnection',
  sourceConnection: 'sourceConnection',
  targetConnection: 'targetConnection',
} as const;

async function execute(op: Operation, ctx: ActContext, outcome: ActOutcome): Promise<void> {
  const { port, desired: d, status } = ctx;
  switch (`${op.link}:${op.verb}`) {
    case 'baseConnection:create': {
      const name = resourceName(d.uid, 'baseConnection', [], status.baseConnection?.id ?? '');
      const { written, adopted } = await createOrAdopt(
        () => port.findConnectionByName('baseConnection', name),
        () =>
          port.createBaseConnection({
            name,
            description: d.description,
            username: d.mixpanel.username,
            password: d.mixpanel.password,
          }),
      );
      await ctx.record((s) => {
        s.baseConnection = { id: written.id, etag: written.etag };
        // An adopted connection's credentials are unknown: forget the hash so they get written.
        if (adopted) delete s.appliedSourceCredentialsHash;
        else s.appliedSourceCredentialsHash = d.mixpanel.hash;
      });
      announce(ctx, outcome, 'baseConnection', written.id, name, adopted);
      return;
    }
    case 'baseConnection:update': {
      const base = must(status.baseConnection, 'baseConnection');
      const written = await port.updateBaseConnectionAuth(
        base.id,
        base.etag ?? '',
        d.mixpanel.username,
        d.mixpanel.password,
      );
      const rotated = status.appliedSourceCredentialsHash !== undefined;
      await ctx.record((s) => {
        s.baseConnection = { id: written.id || base.id, etag: written.etag };
        s.appliedSourceCredentialsHash = d.mixpanel.hash;
      });
      ctx.emit(
        normal(
          rotated ? EVENT_REASONS.CredentialsRotated : EVENT_REASONS.Updated,
          `Updated the Mixpanel credentials of base connection ${base.id}.`,
        ),
      );
      return;
    }
    case 'baseConnection:verify': {
      const base = must(status.baseConnection, 'baseConnection');
      const res = await port.explore(base.id, d.source.projectId, d.source.timezone);
      if (!res.ok) {
        throw res.problem === 'Credentials'
          ? new ReconcileFailure(
              'Credentials',
              CONDITION_REASONS.MixpanelCredentialsRejected,
              ENGINE_MESSAGES.mixpanelRejected(res.message),
            )
          : new ReconcileFailure(
              'Credentials',
              CONDITION_REASONS.MixpanelProjectNotFound,
              ENGINE_MESSAGES.projectNotFound(d.source.projectId, res.message),
            );
      }
      return;
    }
    case 'sourceConnection:create':
    case 'sourceConnection:replace': {
      const baseId = must(status.baseConnection, 'baseConnection').id;
      const name = resourceName(
        d.uid,
        'sourceConnection',
        [...d.pairKey, baseId],
        status.sourceConnection?.id ?? '',
      );
      const input = { name, description: d.description, baseConnectionId: baseId, ...d.source };
      await createConnection(ctx, outcome, op, 'sourceConnection', name, () =>
        port.createSourceConnection(input),
      );
      return;
    }
    case 'targetConnection:create':
    case 'targetConnection:replace': {
      const name = resourceName(d.uid, 'targetConnection', d.pairKey, status.targetConnection?.id ?? '');
      const input = { name, description: d.description, ...d.target };
      await createConnection(ctx, outcome, op, 'targetConnection', name, () =>
        port.createTargetConnection(input),
      );
      return;
    }
    case 'mappingSet:create': {
      const name = resourceName(d.uid, 'mappingSet', [], status.mappingSet?.id ?? '');
      const found = await port.findMappingSetByName(name);
      const made = found ?? (await port.createMappingSet({ name, ...d.mapping }));
      await ctx.record((s) => {
        s.mappingSet = { id: made.id, version: made.version };
      });
      announce(ctx, outcome, 'mappingSet', made.id, name, found !== null);
      return;
    }
    case 'mappingSet:update': {
      const current = must(status.mappingSet, 'mappingSet');
      const name = ctx.observed.mapping?.name ?? resourceName(d.uid, 'mappingSet', [], '');
      const made = await port.updateMappingSet(current.id, { name, ...d.mapping });
      await ctx.record((s) => {
        s.mappingSet = { id: current.id, version: made.version };
      });
      ctx.emit(
        normal(EVENT_REASONS.Updated, `Updated mapping set ${current.id} to version ${made.version}.`),
      );
      return;
    }
    case 'flow:create':
    case 'flow:replace':
      return createFlow(ctx, outcome, op);
    case 'flow:update': {
      const flow = must(status.flow, 'flow');
      const written = await port.patchFlow(flow.id, flow.etag ?? '', flowPatch(op, ctx));
      await ctx.record((s) => {
        s.flow = { ...flow, etag: written.etag };
      });
      const fields = (op.diff ?? []).map((x) => x.field).join(', ');
      ctx.emit(normal(EVENT_REASONS.Updated, `Updated flow ${flow.id}: ${fields}.`));
      return;
    }
    case 'flow:enable':
    case 'flow:disable': {
      const flow = must(status.flow, 'flow');
      const enabled = op.verb === 'enable';
      const written = await port.setFlowEnabled(flow.id, enabled);
      await ctx.record((s) => {
        s.flow = { ...flow, etag: written.etag, state: enabled ? 'enabled' : 'disabled' };
      });
      ctx.emit(
        normal(
          enabled ? EVENT_REASONS.Enabled : EVENT_REASONS.Disabled,
          `${enabled ? 'Enabled' : 'Disabled'} flow ${flow.id}.`,
        ),
      );
      return;
    }
    default:
      if (op.verb === 'delete') return deleteRetired(ctx, op);
      throw new Error(`no executor for ${op.verb} ${op.link}`);
  }
}

function must<T>(value: T | undefined, link: Link): T {
  if (value === undefined) throw new Error(`${link} is not recorded yet`);
  return value;
}

async function createOrAdopt<T extends { id: string; etag: string }>(
  find: () => Promise<T | null>,
  create: () => Promise<Written>,
): Promise<{ written: Written; adopted: boolean }> {
  const found = await find();
  if (found) return { written: { id: found.id, etag: found.etag }, adopted: true };
  return { written: await create(), adopted: false };
}

function announce(
  ctx: ActContext,
  outcome: ActOutcome,
  link: Link,
  id: string,
  name: string,
  adopted: boolean,
): void {
  if (adopted) outcome.adopted = true;
  const verb = adopted ? 'Adopted existing' : 'Created';
  ctx.emit(
    normal(adopted ? EVENT_REASONS.Adopted : EVENT_REASONS.Created, `${verb} ${link} ${id} (${name}).`),
  );
}

async function createConnection(
  ctx: ActContext,
  outcome: ActOutcome,
  op: Operation,
  kind: Exclude<ConnectionKind, 'baseConnection'>,
  name: string,
  create: () => Promise<Written>,
): Promise<void> {
  const { written, adopted } = await createOrAdopt(() => ctx.port.findConnectionByName(kind, name), create);
  const old = op.verb === 'replace' ? op.id : undefined;
  await ctx.record((s) => {
    s[CONNECTION_SLOT[kind]] = { id: written.id, etag: written.etag };
    if (old && old !== written.id) s.pendingDeletions = addRetired(s.pendingDeletions, { kind, id: old });
  });
  announce(ctx, outcome, kind, written.id, name, adopted);
  if (old)
    ctx.emit(normal(EVENT_REASONS.Replaced, `Replacing ${kind} ${old} with ${written.id}: ${op.reason}.`));
}

async function createFlow(ctx: ActContext, outcome: ActOutcome, op: Operation): Promise<void> {
  const { port, desired: d, status } = ctx;
  const sourceId = must(status.sourceConnection, 'sourceConnection').id;
  const targetId = must(status.targetConnection, 'targetConnection').id;
  const mapping = must(status.mappingSet, 'mappingSet');
  const mappingVersion = mapping.version ?? 0;
  const name = d.flow.name;
  const schedule = { ...d.flow.schedule, startTime: d.flow.schedule.startTime ?? ctx.nowSec };
  const input = {
    name,
    description: d.flow.description,
    sourceConnectionId: sourceId,
    targetConnectionId: targetId,
    mappingId: mapping.id,
    mappingVersion,
    schedule,
  };
  const { written, adopted } = await createOrAdopt(
    () => port.findFlow({ name, sourceConnectionId: sourceId, targetConnectionId: targetId }),
    () => port.createFlow(input),
  );
  const old = op.verb === 'replace' ? op.id : undefined;
  await ctx.record((s) => {
    s.flow = { id: written.id, etag: written.etag, state: 'enabled' };
    if (old && old !== written.id)
      s.pendingDeletions = addRetired(s.pendingDeletions, { kind: 'flow', id: old });
  });
  announce(ctx, outcome, 'flow', written.id, name, adopted);
  if (old) ctx.emit(normal(EVENT_REASONS.Replaced, `Replaced flow ${old} with ${written.id}: ${op.reason}.`));
}

function flowPatch(op: Operation, ctx: ActContext): PatchOp[] {
  const { desired: d, status } = ctx;
  const out: PatchOp[] = [];
  for (const { field } of op.diff ?? []) {
    if (field === 'name') out.push({ op: 'replace', path: '/name', value: d.flow.name });
    else if (field === 'description')
      out.push({ op: 'replace', path: '/description', value: d.flow.description });
    else if (field === 'schedule.frequency')
      out.push({ op: 'replace', path: '/scheduleParams/frequency', value: d.flow.schedule.frequency });
    else if (field === 'schedule.interval')
      out.push({ op: 'replace', path: '/scheduleParams/interval', value: d.flow.schedule.interval });
    else if (field === 'schedule.startTime')
      out.push({ op: 'replace', path: '/scheduleParams/startTime', value: d.flow.schedule.startTime });
    else if (field === 'mapping') {
      const m = must(status.mappingSet, 'mappingSet');
      out.push({
        op: 'replace',
        path: '/transformations/0',
        value: { name: 'Mapping', params: { mappingId: m.id, mappingVersion: m.version ?? 0 } },
      });
    }
  }
  return out;
}

/** Most replaced resources kept in status while they wait for deletion; bounds status size. */
export const MAX_RETIRED = 16;

function addRetired(list: RetiredRef[] | undefined, ref: RetiredRef): RetiredRef[] {
  const next = [...(list ?? []).filter((r) => r.id !== ref.id), ref];
  return next.slice(-MAX_RETIRED);
}

async function deleteRetired(ctx: ActContext, op: Operation): Promise<void> {
  const id = must(op.id, op.link);
  const s = ctx.status;
  const live = [s.baseConnection?.id, s.sourceConnection?.id, s.targetConnection?.id, s.flow?.id];
  // Never delete something the current chain still uses.
  if (!live.includes(id)) {
    if (op.link === 'flow') await ctx.port.deleteFlow(id);
    else if (op.link !== 'mappingSet') await ctx.port.deleteConnection(op.link, id);
    ctx.emit(normal(EVENT_REASONS.Deleted, `Deleted ${op.link} ${id}: ${op.reason}.`));
  }
  await ctx.record((st) => {
    st.pendingDeletions = (st.pendingDeletions ?? []).filter((r) => r.id !== id);
    if (st.pendingDeletions.length === 0) delete st.pendingDeletions;
  });
}
