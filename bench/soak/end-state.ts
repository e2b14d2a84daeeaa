/**
 * Pure: the invariants of the end state, read from the cluster and Adobe's inventory. Every live
 * dataflow Ready at its generation; exactly one chain per dataflow, linked as its status says;
 * every flow equal to its spec; nothing with our name prefix that no dataflow owns, except the
 * chains of `Orphan` deletions; nothing left of `Delete` deletions. Written from Flow Service's
 * documented shapes, not from the controller's code.
 */
import { createHash } from 'node:crypto';
import { ANNOTATIONS, PAUSED_VALUE, type MixpanelDataflow } from '../../controller/api/index.js';
import type { Ledger } from './user.js';
import type { SimResource } from '../../test/e2e/support/sim.js';

/** One broken invariant. */
export interface Violation {
  check: string;
  subject: string;
  detail: string;
}

/** What the end-state checks read. */
export interface EndState {
  crs: MixpanelDataflow[];
  resources: SimResource[];
  /** Current decoded Secret data by name. */
  secrets: Record<string, Record<string, string> | undefined>;
  /** authParamsSha256 per base connection id. */
  baseAuth: Record<string, string | undefined>;
  ledger: Ledger;
}

/** Our resource names: `mpdf-<cr uid>-<link>-<hash>`. */
export const OWNED_NAME =
  /^mpdf-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-(base|source|target|mapping|flow)-/;
/** The same, anywhere in a text (a list filter). */
export const OWNED_NAME_IN = new RegExp(OWNED_NAME.source.slice(1));

const KIND_OF_LINK = {
  base: 'connections',
  source: 'sourceConnections',
  target: 'targetConnections',
  mapping: 'mappingSets',
  flow: 'flows',
} as const;

/**
 * Resources of our chain kinds by owner uid. Connections and mapping sets carry the uid in their
 * name; a flow is named for people (spec.displayName), so it belongs to the owner of the source
 * connection it reads. A flow whose source is gone is listed under `''` (owner unknown).
 */
export function ownedResources(resources: SimResource[]): Map<string, SimResource[]> {
  const out = new Map<string, SimResource[]>();
  const add = (uid: string, r: SimResource) => out.set(uid, [...(out.get(uid) ?? []), r]);
  const ownerOf = new Map<string, string>();
  for (const r of resources) {
    const m = OWNED_NAME.exec(String(r.name ?? r.doc?.name ?? ''));
    if (m && r.kind !== 'flows') {
      ownerOf.set(r.id, m[1]!);
      add(m[1]!, r);
    }
  }
  for (const r of resources.filter((x) => x.kind === 'flows')) {
    const uid = ownerOf.get(String(r.doc?.sourceConnectionIds?.[0] ?? ''));
    if (uid) add(uid, r);
    else if (/MixpanelDataflow controller/.test(String(r.doc?.description ?? ''))) add('', r);
  }
  return out;
}

const sha = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');
const cond = (cr: MixpanelDataflow, type: string) => cr.status?.conditions?.find((c) => c.type === type);

/** Every end-state violation (empty when the run converged). */
export function endStateViolations(s: EndState): Violation[] {
  const out: Violation[] = [];
  const v = (check: string, subject: string, detail: string) => out.push({ check, subject, detail });
  const owned = ownedResources(s.resources);
  const liveUids = new Set<string>();
  for (const cr of s.crs) {
    const subject = cr.metadata.name!;
    const uid = cr.metadata.uid!;
    liveUids.add(uid);
    if (cr.metadata.deletionTimestamp) {
      // A paused dataflow is not deleted until the annotation goes (as with Crossplane's pause):
      // its chain stays whole in Adobe and Synced says why.
      const waitsOnPause =
        cr.metadata.annotations?.[ANNOTATIONS.paused] === PAUSED_VALUE &&
        cond(cr, 'Synced')?.reason === 'ReconcilePaused';
      // Its spec may have been edited while paused, so only the chain's wholeness is checked.
      if (waitsOnPause)
        chainViolations(cr, owned.get(uid) ?? [], s, (check, detail) => {
          if (check === 'exactly one chain') v(check, subject, detail);
        });
      else v('deleted dataflows are gone', subject, `still terminating: ${describe(cr)}`);
      continue;
    }
    const gen = cr.metadata.generation;
    if (
      cond(cr, 'Ready')?.status !== 'True' ||
      cond(cr, 'Synced')?.status !== 'True' ||
      cr.status?.observedGeneration !== gen
    )
      v('Ready at the current generation', subject, describe(cr));
    chainViolations(cr, owned.get(uid) ?? [], s, (check, detail) => v(check, subject, detail));
  }
  for (const [uid, list] of owned) {
    if (liveUids.has(uid)) continue;
    const policy = s.ledger.deleted.get(uid);
    if (policy === 'Orphan') continue;
    // Data Prep documents no DELETE for mapping sets: a deleted dataflow's mapping set stays.
    const left = list.filter((r) => r.kind !== 'mappingSets');
    if (left.length === 0) continue;
    v(
      policy === 'Delete' ? 'deleted dataflows left nothing' : 'no orphans',
      uid,
      left.map((r) => `${r.kind} ${r.id} (${r.name})`).join(', '),
    );
  }
  return out;
}

function chainViolations(
  cr: MixpanelDataflow,
  mine: SimResource[],
  s: EndState,
  v: (check: string, detail: string) => void,
): void {
  const byKind = (kind: string) => mine.filter((r) => r.kind === kind);
  const one: Record<string, SimResource | undefined> = {};
  for (const [link, kind] of Object.entries(KIND_OF_LINK)) {
    const list = byKind(kind);
    if (list.length !== 1)
      v('exactly one chain', `${list.length} ${kind}: ${list.map((r) => r.id).join(', ') || 'none'}`);
    one[link] = list[0];
  }
  const status = cr.status as Record<string, { id?: string } | undefined> | undefined;
  const ids: [string, string][] = [
    ['baseConnection', 'base'],
    ['sourceConnection', 'source'],
    ['targetConnection', 'target'],
    ['mappingSet', 'mapping'],
    ['flow', 'flow'],
  ];
  for (const [field, link] of ids)
    if (one[link] && status?.[field]?.id !== one[link]!.id)
      v('exactly one chain', `status.${field}.id ${status?.[field]?.id} is not ${one[link]!.id}`);
  const { base, source, target, mapping, flow } = one;
  if (!flow || !source || !target || !base || !mapping) return;
  const f = flow.doc;
  const eq = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want))
      v(
        'every flow equals its spec',
        `${what}: Adobe has ${JSON.stringify(got)}, spec says ${JSON.stringify(want)}`,
      );
  };
  eq('flow.sourceConnectionIds', f.sourceConnectionIds, [source.id]);
  eq('flow.targetConnectionIds', f.targetConnectionIds, [target.id]);
  eq('sourceConnection.baseConnectionId', source.doc.baseConnectionId, base.id);
  const spec = cr.spec;
  const sched = spec.schedule;
  eq('flow.scheduleParams.frequency', f.scheduleParams?.frequency, sched.frequency);
  eq(
    'flow.scheduleParams.interval',
    f.scheduleParams?.interval === undefined ? undefined : String(f.scheduleParams.interval),
    sched.interval === undefined ? undefined : String(sched.interval),
  );
  if (sched.startTime)
    eq(
      'flow.scheduleParams.startTime',
      String(f.scheduleParams?.startTime),
      String(Math.floor(Date.parse(sched.startTime) / 1000)),
    );
  eq('flow.state', f.state, spec.enabled === false ? 'disabled' : 'enabled');
  eq('sourceConnection.params.projectId', source.doc.params?.projectId, spec.source.projectId);
  eq('sourceConnection.params.timezone', source.doc.params?.timezone, spec.source.timezone);
  eq('targetConnection.params.dataSetId', target.doc.params?.dataSetId, spec.target.datasetId);
  const transform = (f.transformations ?? []).find((t: { name?: string }) => t.name === 'Mapping');
  eq('flow mapping set', transform?.params?.mappingId, mapping.id);
  eq('flow mapping version', String(transform?.params?.mappingVersion), String(mapping.doc.version));
  // Data Prep answers sourceType as a media type: text/x.schema-path for a field, text/x.aep-xl for an expression.
  const kindOf = (t: string | undefined) =>
    t === 'EXPRESSION' || t === 'text/x.aep-xl' ? 'expression' : 'field';
  const rows = (list: { sourceType?: string; source?: string; destination: string }[]) =>
    list.map((m) => `${m.destination}=${kindOf(m.sourceType)}:${m.source}`).sort();
  eq(
    'mapping set rows',
    rows(mapping.doc.mappings ?? []),
    rows(
      spec.mappings.map((m) => ({
        destination: m.destination,
        sourceType: m.expression !== undefined ? 'EXPRESSION' : 'ATTRIBUTE',
        source: m.expression ?? m.source,
      })),
    ),
  );
  const mp = s.secrets[spec.source.credentialsSecretRef.name];
  if (mp) {
    // The documented body order is username, password; accept either key order.
    const want = [
      sha({ username: mp['username'], password: mp['password'] }),
      sha({ password: mp['password'], username: mp['username'] }),
    ];
    const got = s.baseAuth[base.id];
    if (!got || !want.includes(got))
      v(
        'every flow equals its spec',
        `base connection ${base.id} does not hold the current Mixpanel credentials of Secret ${spec.source.credentialsSecretRef.name}`,
      );
  }
}

function describe(cr: MixpanelDataflow): string {
  const c = (t: string) => {
    const x = cond(cr, t);
    return x
      ? `${t}=${x.status}/${x.reason}${x.status === 'True' ? '' : `: ${x.message.slice(0, 160)}`}`
      : `${t}=none`;
  };
  return `generation ${cr.metadata.generation}, observed ${cr.status?.observedGeneration}; ${c('Ready')}; ${c('Synced')}`;
}
