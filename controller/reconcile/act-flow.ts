/** Executors of flow operations. */
import { createOrAdopt, must, recordLink, type ActContext, type ActOutcome } from './act-context.js';
import { flowWriting } from './discover.js';
import { EVENT_REASONS, normal } from './events.js';
import { unreachable, type DeleteOperation, type FlowPatch, type OperationOf } from './operations.js';
import type { PatchOp } from './ports.js';
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
      const written = await port.patchFlow(flow.id, flow.etag ?? '', patchOps(op.patch, status));
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
  const schedule = { ...d.flow.schedule, startTime: d.flow.schedule.startTime ?? ctx.nowSec };
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

/** The JSON Patch of a planned flow update; the mapping reference uses the version recorded now. */
function patchOps(patch: FlowPatch, status: DataflowStatus): PatchOp[] {
  const out: PatchOp[] = [];
  const replace = (path: string, value: unknown) => out.push({ op: 'replace', path, value });
  if ('name' in patch) replace('/name', patch.name);
  if ('description' in patch) replace('/description', patch.description);
  if ('frequency' in patch) replace('/scheduleParams/frequency', patch.frequency);
  if ('interval' in patch) replace('/scheduleParams/interval', patch.interval);
  if ('startTime' in patch) replace('/scheduleParams/startTime', patch.startTime);
  if (patch.mapping) {
    const m = must(status.mappingSet, 'mappingSet');
    replace('/transformations/0', {
      name: 'Mapping',
      params: { mappingId: m.id, mappingVersion: m.version ?? 0 },
    });
  }
  return out;
}
