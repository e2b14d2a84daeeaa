/**
 * Acting: runs a plan along the dependency graph. Base → verify → source runs beside the target
 * connection and the mapping set; the flow waits for all three; deletes of replaced resources run
 * last and only when everything before succeeded. Each new id/etag is recorded (and reported
 * through the progress callback) as soon as Adobe returns it. A branch stops at its first error.
 */
import {
  addRetired,
  announce,
  createOrAdopt,
  must,
  type ActContext,
  type ActOutcome,
} from './act-context.js';
import { deleteRetired, executeFlow } from './act-flow.js';
import { CONDITION_REASONS } from './conditions.js';
import { ENGINE_MESSAGES, ReconcileFailure } from './errors.js';
import { EVENT_REASONS, normal } from './events.js';
import { mappingSetName, resourceName } from './naming.js';
import type { Operation } from './plan.js';
import { PortError, type ConnectionKind, type Written } from './ports.js';

export type { ActContext, ActOutcome, Recorder } from './act-context.js';

/** Runs `ops` in dependency order. Throws the first failure after every branch settled. */
export async function act(ops: readonly Operation[], ctx: ActContext): Promise<ActOutcome> {
  const outcome: ActOutcome = { adopted: false, created: new Set() };
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
      let written: Written;
      try {
        written = await port.updateBaseConnectionAuth(
          base.id,
          base.etag ?? '',
          d.mixpanel.username,
          d.mixpanel.password,
        );
      } catch (err) {
        // 1445 "PATCH Connection Feature not enabled": rotate by replacing the base instead.
        if (err instanceof PortError && err.kind === 'Unsupported') return replaceBase(ctx, outcome, base.id);
        throw err;
      }
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
        if (res.problem === 'Other')
          throw new ReconcileFailure(
            'Transient',
            CONDITION_REASONS.MixpanelRequestRejected,
            ENGINE_MESSAGES.mixpanelRequestRejected(res.message),
          );
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
      await createConnection(
        ctx,
        outcome,
        op,
        'sourceConnection',
        name,
        () => port.createSourceConnection(input),
        baseId,
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
      const name = mappingSetName(d.uid);
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
      const made = await port.updateMappingSet(current.id, { name: mappingSetName(d.uid), ...d.mapping });
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
    case 'flow:update':
    case 'flow:enable':
    case 'flow:disable':
      return executeFlow(op, ctx, outcome);
    default:
      if (op.verb === 'delete') return deleteRetired(ctx, op, outcome);
      throw new Error(`no executor for ${op.verb} ${op.link}`);
  }
}

async function createConnection(
  ctx: ActContext,
  outcome: ActOutcome,
  op: Operation,
  kind: Exclude<ConnectionKind, 'baseConnection'>,
  name: string,
  create: () => Promise<Written>,
  baseConnectionId?: string,
): Promise<void> {
  // A source named after a base connection created in this very act cannot exist yet.
  const fresh = kind === 'sourceConnection' && outcome.created.has('baseConnection');
  const scope = baseConnectionId ? { baseConnectionId } : {};
  const { written, adopted } = await createOrAdopt(
    () => ctx.port.findConnectionByName(kind, name, scope),
    create,
    fresh,
  );
  const old = op.verb === 'replace' ? op.id : undefined;
  await ctx.record((s) => {
    s[CONNECTION_SLOT[kind]] = { id: written.id, etag: written.etag };
    if (old && old !== written.id) s.pendingDeletions = addRetired(s.pendingDeletions, { kind, id: old });
  });
  announce(ctx, outcome, kind, written.id, name, adopted);
  if (old)
    ctx.emit(normal(EVENT_REASONS.Replaced, `Replacing ${kind} ${old} with ${written.id}: ${op.reason}.`));
}

/**
 * Credential rotation where Adobe refuses connection PATCH (1445): a new base connection with the
 * new credentials (named after the one it replaces), recorded at once; the old one is retired. The
 * re-plan that follows builds a new source and flow on it while the old flow keeps running, and
 * deletes the old flow, source and base only after the new flow exists: no gap in ingestion.
 */
async function replaceBase(ctx: ActContext, outcome: ActOutcome, oldId: string): Promise<void> {
  const d = ctx.desired;
  const name = resourceName(d.uid, 'baseConnection', [], oldId);
  const { written, adopted } = await createOrAdopt(
    () => ctx.port.findConnectionByName('baseConnection', name),
    () =>
      ctx.port.createBaseConnection({
        name,
        description: d.description,
        username: d.mixpanel.username,
        password: d.mixpanel.password,
      }),
  );
  await ctx.record((s) => {
    s.baseConnection = { id: written.id, etag: written.etag };
    if (adopted) delete s.appliedSourceCredentialsHash;
    else s.appliedSourceCredentialsHash = d.mixpanel.hash;
    s.pendingDeletions = addRetired(s.pendingDeletions, { kind: 'baseConnection', id: oldId });
  });
  announce(ctx, outcome, 'baseConnection', written.id, name, adopted);
  ctx.emit(
    normal(
      EVENT_REASONS.CredentialsRotated,
      `Adobe refused to update base connection ${oldId} in place (PATCH not enabled): replacing it with ${written.id}.`,
    ),
  );
  outcome.replan = true;
}
