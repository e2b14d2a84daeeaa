/**
 * Acting: runs a plan along the dependency graph. Base → verify → source runs beside the target
 * connection and the mapping set; the flow waits for all three; deletes of replaced resources run
 * last and only when everything before succeeded. Each new id/etag is recorded (and written through
 * the status sink) as soon as Adobe returns it. A branch stops at its first error.
 *
 * Deletes have one executor for every link; everything else is dispatched by `link`, one executor
 * per link (the map's type demands all five), each switching on the verbs its link has: a missing
 * case is a compile error, not a run-time throw.
 */
import {
  announce,
  createOrAdopt,
  deleteRetired,
  must,
  recordLink,
  type ActContext,
  type ActOutcome,
} from './act-context.js';
import { executeBase } from './act-base.js';
import { executeFlow } from './act-flow.js';
import { ReconcileError } from './errors.js';
import { EVENT_REASONS, normal } from './events.js';
import { mappingSetName, resourceName, type Link } from './naming.js';
import {
  unreachable,
  type DeleteOperation,
  type Operation,
  type OperationOf,
  type PairLink,
} from './operations.js';
import type { Written } from './ports.js';

export type { ActContext, ActOutcome, Recorder } from './act-context.js';

/** Runs one non-delete operation of link `L` (deletes have one executor for every link). */
type Executor<L extends Link> = (
  op: Exclude<OperationOf<L>, DeleteOperation>,
  ctx: ActContext,
  outcome: ActOutcome,
) => Promise<void>;

const EXECUTORS: { [L in Link]: Executor<L> } = {
  baseConnection: executeBase,
  sourceConnection: executePair,
  targetConnection: executePair,
  mappingSet: executeMapping,
  flow: executeFlow,
};

function execute(op: Operation, ctx: ActContext, outcome: ActOutcome): Promise<void> {
  if (op.verb === 'delete') return deleteRetired(ctx, op, outcome);
  // One cast where TypeScript cannot correlate `op.link` with the executor it indexes.
  const run = EXECUTORS[op.link] as Executor<Link>;
  return run(op as Exclude<OperationOf<Link>, DeleteOperation>, ctx, outcome);
}

/** Runs `ops` in dependency order. Throws the first failure after every branch settled. */
export async function act(ops: readonly Operation[], ctx: ActContext): Promise<ActOutcome> {
  const outcome: ActOutcome = { adopted: false, created: new Set() };
  const run = (filter: (op: Operation) => boolean) => async () => {
    for (const op of ops.filter(filter)) await execute(op, ctx, outcome);
  };
  const isDelete = (op: Operation) => op.verb === 'delete';
  await settleAll([
    run((op) => !isDelete(op) && (op.link === 'baseConnection' || op.link === 'sourceConnection'))(),
    run((op) => !isDelete(op) && op.link === 'targetConnection')(),
    run((op) => !isDelete(op) && op.link === 'mappingSet')(),
  ]);
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

const needsUser = (e: unknown) =>
  e instanceof ReconcileError && (e.kind === 'Terminal' || e.kind === 'Unsupported');

/**
 * Awaits all promises, then throws one rejection: a refusal only the user can fix (Terminal,
 * Unsupported) wins over one that retrying fixes, else the first. Otherwise an unknown dataset
 * beside a flaky base connection create would show ReconcileError and back off, naming the
 * dataset only once Adobe stopped failing; the chain cannot finish either way.
 */
export async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  const failures = (await Promise.allSettled(promises))
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => r.reason as unknown);
  if (failures.length > 0) throw failures.find(needsUser) ?? failures[0];
}

async function executePair(
  op: Exclude<OperationOf<PairLink>, DeleteOperation>,
  ctx: ActContext,
  outcome: ActOutcome,
): Promise<void> {
  switch (op.verb) {
    case 'create':
    case 'replace':
      return op.link === 'sourceConnection'
        ? createSource(ctx, outcome, op.verb === 'replace' ? op.id : undefined, op.reason)
        : createTarget(ctx, outcome, op.verb === 'replace' ? op.id : undefined, op.reason);
    default:
      return unreachable(op);
  }
}

function createSource(ctx: ActContext, outcome: ActOutcome, old: string | undefined, reason: string) {
  const { desired: d, status } = ctx;
  const baseId = must(status.baseConnection, 'baseConnection').id;
  const predecessor = status.sourceConnection?.id ?? '';
  const name = resourceName(d.uid, 'sourceConnection', [...d.pairKey, baseId], predecessor);
  const input = { name, description: d.description, baseConnectionId: baseId, ...d.source };
  // A source named after a base connection created in this very act cannot exist yet.
  const fresh = outcome.created.has('baseConnection');
  const what = { link: 'sourceConnection' as const, name, old, reason, fresh, baseConnectionId: baseId };
  return createPair(ctx, outcome, what, () => ctx.port.createSourceConnection(input));
}

function createTarget(ctx: ActContext, outcome: ActOutcome, old: string | undefined, reason: string) {
  const { desired: d, status } = ctx;
  const predecessor = status.targetConnection?.id ?? '';
  const name = resourceName(d.uid, 'targetConnection', d.pairKey, predecessor);
  const input = { name, description: d.description, ...d.target };
  const fresh = predecessor === '' && (ctx.absent?.has('targetConnection') ?? false);
  return createPair(ctx, outcome, { link: 'targetConnection', name, old, reason, fresh }, () =>
    ctx.port.createTargetConnection(input),
  );
}

async function createPair(
  ctx: ActContext,
  outcome: ActOutcome,
  what: {
    link: PairLink;
    name: string;
    old: string | undefined;
    reason: string;
    fresh: boolean;
    /** Sources are looked for among their base connection's (Adobe has no `name` filter for them). */
    baseConnectionId?: string;
  },
  create: () => Promise<Written>,
): Promise<void> {
  const { link, name, old, reason, baseConnectionId } = what;
  const scope = baseConnectionId ? { baseConnectionId } : {};
  const { written, adopted } = await createOrAdopt(
    () => ctx.port.findConnectionByName(link, name, scope),
    create,
    what.fresh,
  );
  await recordLink(ctx, outcome, { link, written, name, adopted, old, reason });
}

async function executeMapping(
  op: OperationOf<'mappingSet'>,
  ctx: ActContext,
  outcome: ActOutcome,
): Promise<void> {
  const { port, desired: d, status } = ctx;
  const name = mappingSetName(d.uid);
  switch (op.verb) {
    case 'create': {
      const found = ctx.absent?.has('mappingSet') ? null : await port.findMappingSetByName(name);
      const made = found ?? (await port.createMappingSet({ name, ...d.mapping }));
      await ctx.record((s) => {
        s.mappingSet = { id: made.id, version: made.version };
      });
      return announce(ctx, outcome, 'mappingSet', made.id, name, found !== null);
    }
    case 'update': {
      const current = must(status.mappingSet, 'mappingSet');
      const made = await port.updateMappingSet(current.id, { name, ...d.mapping });
      await ctx.record((s) => {
        s.mappingSet = { id: current.id, version: made.version };
      });
      ctx.emit(
        normal(EVENT_REASONS.Updated, `Updated mapping set ${current.id} to version ${made.version}.`),
      );
      return;
    }
    default:
      return unreachable(op);
  }
}
