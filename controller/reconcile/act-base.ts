/** Executors of base connection operations: create, credential update (or rotation), verify. */
import {
  addRetired,
  announce,
  createOrAdopt,
  must,
  type ActContext,
  type ActOutcome,
} from './act-context.js';
import { CONDITION_REASONS } from './conditions.js';
import { ENGINE_MESSAGES, ReconcileError, type ReconcileErrorInit } from './errors.js';
import { EVENT_REASONS, normal } from './events.js';
import { resourceName } from './naming.js';
import { unreachable, type DeleteOperation, type OperationOf } from './operations.js';
import type { ExploreOutcome, Written } from './ports.js';

/** Runs one base connection operation. */
export async function executeBase(
  op: Exclude<OperationOf<'baseConnection'>, DeleteOperation>,
  ctx: ActContext,
  outcome: ActOutcome,
): Promise<void> {
  const { port, desired: d, status } = ctx;
  switch (op.verb) {
    case 'create':
      // A base deleted out of band is recreated under a name derived from its id (nothing to retire).
      await createBase(ctx, outcome, { predecessor: status.baseConnection?.id ?? '', retire: false });
      return;
    case 'update': {
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
        if (err instanceof ReconcileError && err.kind === 'Unsupported')
          return replaceBase(ctx, outcome, base.id);
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
    case 'verify': {
      const base = must(status.baseConnection, 'baseConnection');
      const res = await port.explore(base.id, d.source.projectId, d.source.timezone);
      if (!res.ok) throw new ReconcileError(exploreRefusal(res, d.source.projectId));
      return;
    }
    default:
      return unreachable(op);
  }
}

/** What a refused explore check means (Adobe relays Mixpanel's answer). */
function exploreRefusal(res: Extract<ExploreOutcome, { ok: false }>, projectId: string): ReconcileErrorInit {
  switch (res.problem) {
    case 'Credentials':
      return {
        kind: 'Credentials',
        reason: CONDITION_REASONS.MixpanelCredentialsRejected,
        message: ENGINE_MESSAGES.mixpanelRejected(res.message),
      };
    case 'Project':
      return {
        kind: 'Credentials',
        reason: CONDITION_REASONS.MixpanelProjectNotFound,
        message: ENGINE_MESSAGES.projectNotFound(projectId, res.message),
      };
    case 'Other':
      return {
        kind: 'Transient',
        reason: CONDITION_REASONS.MixpanelRequestRejected,
        message: ENGINE_MESSAGES.mixpanelRequestRejected(res.message),
      };
    default:
      return unreachable(res.problem);
  }
}

/**
 * Creates (or adopts) the base connection named after `predecessor` ('' for the first one) and
 * records it with the hash of the credentials it was created with; `retire` makes the predecessor
 * a pending deletion in the same status write.
 */
async function createBase(
  ctx: ActContext,
  outcome: ActOutcome,
  { predecessor, retire }: { predecessor: string; retire: boolean },
): Promise<Written> {
  const d = ctx.desired;
  const name = resourceName(d.uid, 'baseConnection', [], predecessor);
  const { written, adopted } = await createOrAdopt(
    () => ctx.port.findConnectionByName('baseConnection', name),
    () =>
      ctx.port.createBaseConnection({
        name,
        description: d.description,
        username: d.mixpanel.username,
        password: d.mixpanel.password,
      }),
    // Discovery looked the first-create name up moments ago.
    predecessor === '' && (ctx.absent?.has('baseConnection') ?? false),
  );
  await ctx.record((s) => {
    s.baseConnection = { id: written.id, etag: written.etag };
    // An adopted connection's credentials are unknown: forget the hash so they get written.
    if (adopted) delete s.appliedSourceCredentialsHash;
    else s.appliedSourceCredentialsHash = d.mixpanel.hash;
    if (retire)
      s.pendingDeletions = addRetired(s.pendingDeletions, { kind: 'baseConnection', id: predecessor });
  });
  announce(ctx, outcome, 'baseConnection', written.id, name, adopted);
  return written;
}

/**
 * Credential rotation where Adobe refuses connection PATCH (1445): a new base connection with the
 * new credentials (named after the one it replaces), recorded at once; the old one is retired. The
 * re-plan that follows builds a new source and flow on it while the old flow keeps running, and
 * deletes the old flow, source and base only after the new flow exists: no gap in ingestion.
 */
async function replaceBase(ctx: ActContext, outcome: ActOutcome, oldId: string): Promise<void> {
  const written = await createBase(ctx, outcome, { predecessor: oldId, retire: true });
  ctx.emit(
    normal(
      EVENT_REASONS.CredentialsRotated,
      `Adobe refused to update base connection ${oldId} in place (PATCH not enabled): replacing it with ${written.id}.`,
    ),
  );
  outcome.replan = true;
}
