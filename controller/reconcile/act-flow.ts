/** Executors of flow operations. */
import { createOrAdopt, must, recordLink, type ActContext, type ActOutcome } from './act-context.js';
import { flowWriting } from './discover.js';
import { EVENT_REASONS, normal } from './events.js';
import { unreachable, type DeleteOperation, type FlowPatch, type OperationOf } from './operations.js';
import { PARKED_START_TIME } from './plan.js';
import type { FlowSchedule, ObservedFlow, PatchOp } from './ports.js';
import type { DataflowStatus } from './types.js';

/** Runs one flow operation. */
export async function executeFlow(
  op: Exclude<OperationOf<'flow'>, DeleteOperation>,
  ctx: ActContext,
  outcome: ActOutcome,
): Promise<void> {
  const { port, status } = ctx;
  switch (op.verb) {
    case 'create':
      return createFlow(ctx, outcome, undefined, op.reason);
    case 'replace':
      return createFlow(ctx, outcome, op.id, op.reason);
    case 'update': {
      const flow = must(status.flow, 'flow');
      const written = await port.patchFlow(
        flow.id,
        flow.etag ?? '',
        patchOps(op.patch, status, ctx.observed?.flow ?? undefined),
      );
      await ctx.record((s) => {
        s.flow = { ...flow, etag: written.etag };
      });
      const fields = (op.diff ?? []).map((x) => x.field).join(', ');
      ctx.emit(normal(EVENT_REASONS.Updated, `Updated flow ${flow.id}: ${fields}.`));
      return;
    }
    case 'enable':
    case 'disable': {
      const flow = must(status.flow, 'flow');
      const enabled = op.verb === 'enable';
      // Toggle only from the opposite settled state: a flow adopted just now may already be there
      // (Adobe answers 1422 to a redundant action), or in transition; the re-plan after adoption
      // decides from what Adobe reports.
      if (flow.state !== (enabled ? 'disabled' : 'enabled')) return;
      const written = await port.setFlowEnabled(flow.id, enabled);
      // Adobe passes through enabled-finalizing / disabling first: confirm the state it settles in.
      outcome.flowTransitioning = true;
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
      return unreachable(op);
  }
}

async function createFlow(
  ctx: ActContext,
  outcome: ActOutcome,
  old: string | undefined,
  reason: string,
): Promise<void> {
  const { port, desired: d, status } = ctx;
  const sourceId = must(status.sourceConnection, 'sourceConnection').id;
  const targetId = must(status.targetConnection, 'targetConnection').id;
  const mapping = must(status.mappingSet, 'mappingSet');
  const name = d.flow.name;
  // Adobe creates flows enabled: one the spec wants disabled is parked where no run can be due
  // before the disable lands (the plan patches the real start in once it is disabled).
  const startTime = d.flow.enabled
    ? ((old ? continuation(ctx) : undefined) ?? d.flow.schedule.startTime ?? ctx.nowSec)
    : PARKED_START_TIME;
  const schedule = { ...d.flow.schedule, startTime };
  const input = {
    name,
    description: d.flow.description,
    sourceConnectionId: sourceId,
    targetConnectionId: targetId,
    mappingId: mapping.id,
    mappingVersion: mapping.version ?? 0,
    schedule,
  };
  // Flows are found by their source connection: one created in this very act has no flow yet.
  const { written, adopted, found } = await createOrAdopt(
    async () => flowWriting(await port.listFlowsOfSource(sourceId), targetId) ?? null,
    () => port.createFlow(input),
    outcome.created.has('sourceConnection'),
  );
  // A new flow starts enabled (Adobe's default); an adopted one is in whatever state Adobe reports.
  const extra = { state: found?.state ?? 'enabled' };
  await recordLink(ctx, outcome, { link: 'flow', written, name, adopted, old, reason, extra });
}

/**
 * The start of a flow that replaces one reading and writing the same data (its base connection was
 * replaced): where the old flow's last run started, so the new flow's first window begins where the
 * old one's ended — no gap and no re-read of history. Undefined when the data differs.
 */
function continuation(ctx: ActContext): number | undefined {
  const o = ctx.observed;
  const d = ctx.desired;
  if (!o?.source || !o.target) return undefined;
  // Any change of the data replaces the target connection (plan.ts: pairs are replaced together),
  // so the old flow wrote into this very target only when the data is the same. The connections'
  // params alone cannot tell: after an interrupted replace, status already names the new pair.
  if (!o.flow?.targetConnectionIds.includes(o.target.id)) return undefined;
  const sameData =
    o.source.projectId === d.source.projectId &&
    o.source.timezone === d.source.timezone &&
    o.target.datasetId === d.target.datasetId &&
    o.target.schemaId === d.target.schemaId;
  if (!sameData) return undefined;
  const last = ctx.status.lastRun?.startedAt;
  const lastSec = last ? Math.floor(Date.parse(last) / 1000) : Number.NaN;
  const from = Number.isFinite(lastSec) ? lastSec : ctx.nowSec;
  return Math.max(from, d.flow.schedule.startTime ?? 0);
}

/**
 * One JSON Patch op per changed schedule key: `add` when the flow lacks it, `remove` when the spec
 * has none (to and from `once`), `replace` otherwise; `replace` always carries a value (RFC 6902).
 */
function scheduleOp(key: keyof FlowSchedule, has: unknown, value: unknown): PatchOp {
  const path = `/scheduleParams/${key}`;
  if (value === undefined) return { op: 'remove', path };
  return { op: has === undefined ? 'add' : 'replace', path, value };
}

/**
 * The JSON Patch of a planned flow update, against the flow as observed (`seen`): the mapping
 * reference uses the version recorded now, at the index where the flow has its Mapping entry
 * (Adobe's own example has a Copy transformation first).
 */
function patchOps(patch: FlowPatch, status: DataflowStatus, seen: ObservedFlow | undefined): PatchOp[] {
  const s: Partial<FlowSchedule> = seen?.schedule ?? {};
  const out: PatchOp[] = [];
  if ('name' in patch) out.push({ op: 'replace', path: '/name', value: patch.name });
  if ('description' in patch) out.push({ op: 'replace', path: '/description', value: patch.description });
  for (const key of ['frequency', 'interval', 'backfill', 'startTime'] as const)
    if (key in patch) out.push(scheduleOp(key, s[key], patch[key]));
  if (patch.mapping) {
    const m = must(status.mappingSet, 'mappingSet');
    const value = { name: 'Mapping', params: { mappingId: m.id, mappingVersion: m.version ?? 0 } };
    const index = seen?.mappingIndex;
    out.push(
      index === undefined
        ? { op: 'add', path: '/transformations/-', value }
        : { op: 'replace', path: `/transformations/${index}`, value },
    );
  }
  return out;
}
