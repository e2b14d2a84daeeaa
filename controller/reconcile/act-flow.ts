/** Executors of flow operations and of deletes of replaced resources. */
import {
  addRetired,
  announce,
  createOrAdopt,
  must,
  type ActContext,
  type ActOutcome,
} from './act-context.js';
import { EVENT_REASONS, normal } from './events.js';
import type { Operation } from './plan.js';
import type { PatchOp } from './ports.js';
import { deleteConnectionAndStrays } from './stray-flows.js';

/** Runs one flow operation (create, replace, update, enable, disable). */
export async function executeFlow(op: Operation, ctx: ActContext, outcome: ActOutcome): Promise<void> {
  const { port, status } = ctx;
  switch (op.verb) {
    case 'create':
    case 'replace':
      return createFlow(ctx, outcome, op);
    case 'update': {
      const flow = must(status.flow, 'flow');
      const written = await port.patchFlow(flow.id, flow.etag ?? '', flowPatch(op, ctx));
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
      throw new Error(`no executor for ${op.verb} flow`);
  }
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
  // Flows are found by their source connection: one created in this very act has no flow yet.
  const { written, adopted, found } = await createOrAdopt(
    () => port.findFlow({ name, sourceConnectionId: sourceId, targetConnectionId: targetId }),
    () => port.createFlow(input),
    outcome.created.has('sourceConnection'),
  );
  // A new flow starts enabled (Adobe's default); an adopted one is in whatever state Adobe reports.
  const state = found?.state ?? 'enabled';
  const old = op.verb === 'replace' ? op.id : undefined;
  await ctx.record((s) => {
    s.flow = { id: written.id, etag: written.etag, state };
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

/** Deletes a replaced resource (never one the live chain uses) and drops it from status. */
export async function deleteRetired(ctx: ActContext, op: Operation): Promise<void> {
  const id = must(op.id, op.link);
  const s = ctx.status;
  const live = [s.baseConnection?.id, s.sourceConnection?.id, s.targetConnection?.id, s.flow?.id];
  // Never delete something the current chain still uses.
  if (!live.includes(id)) {
    if (op.link === 'flow') await ctx.port.deleteFlow(id);
    else if (op.link === 'sourceConnection' || op.link === 'targetConnection')
      await deleteConnectionAndStrays(ctx.port, s, op.link, id, (stray) =>
        ctx.emit(normal(EVENT_REASONS.Deleted, `Deleted flow ${stray}: it was left on ${op.link} ${id}.`)),
      );
    else if (op.link !== 'mappingSet') await ctx.port.deleteConnection(op.link, id);
    ctx.emit(normal(EVENT_REASONS.Deleted, `Deleted ${op.link} ${id}: ${op.reason}.`));
  }
  await ctx.record((st) => {
    st.pendingDeletions = (st.pendingDeletions ?? []).filter((r) => r.id !== id);
    if (st.pendingDeletions.length === 0) delete st.pendingDeletions;
  });
}
