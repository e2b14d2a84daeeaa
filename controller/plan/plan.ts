/**
 * What reconciling would do, per dataflow, without doing it: the engine's own observe and pure
 * planner over a read-only port. Deletions come from a state file (a dataflow recorded there whose
 * manifest is gone), planned by the engine's `planDeletion` per its deletionPolicy.
 */
import { isPaused } from '../api/index.js';
import { localUid, secretsFor, type LocalRecord, type ManifestSet } from '../offline/index.js';
import {
  desiredChain,
  discoverChain,
  observe,
  planChain,
  planDeletion,
  resolveMixpanel,
  resolvePlatform,
  type AdobeConnector,
  type DataflowObject,
  type DataflowStatus,
  type Notice,
  type Operation,
} from '../reconcile/index.js';
import { readOnlyPort } from './read-only.js';

/** The plan of one dataflow. */
export interface DataflowPlan {
  key: string;
  ops: Operation[];
  notices: Notice[];
  /** Where the recorded ids came from. */
  source: 'state' | 'discovery' | 'none';
  /** Set when the dataflow could not be planned. */
  error?: string;
  /** Extra information (paused, orphaned on deletion). */
  notes: string[];
}

/** Notes printed with a plan. */
export const PLAN_NOTES = {
  paused: 'paused (aepflows.io/paused: "true"): the controller would not apply this',
  orphan: 'manifest removed; deletionPolicy Orphan leaves the Adobe chain in place',
  removed: 'manifest removed; deletionPolicy Delete deletes the chain',
  missingSecret: (name: string, key?: string, problem?: string) =>
    key && problem
      ? `Secret ${name} has an unusable value for key ${key}: ${problem}`
      : key
        ? `Secret ${name} has no key ${key}`
        : `Secret ${name} is not among the manifests`,
} as const;

/** What planning needs. */
export interface PlanDeps {
  connect: AdobeConnector;
  /** Local mode's state (from `--state`), or undefined to discover ids by name. */
  state?: ReadonlyMap<string, LocalRecord>;
  now: Date;
}

/** Operations that change Adobe (`verify` only reads). */
export const isChange = (op: Operation): boolean => op.verb !== 'verify';

function objectFor(key: string, set: ManifestSet, rec: LocalRecord | undefined): DataflowObject {
  const df = set.dataflows.get(key)!;
  return {
    uid: rec?.uid ?? localUid(df.namespace, df.name),
    namespace: df.namespace,
    name: df.name,
    generation: (rec?.generation ?? 0) + 1,
    ...(df.annotations ? { annotations: df.annotations } : {}),
    spec: df.spec,
    status: rec?.status ?? {},
  };
}

async function planOne(key: string, set: ManifestSet, deps: PlanDeps): Promise<DataflowPlan> {
  const rec = deps.state?.get(key);
  const obj = objectFor(key, set, rec);
  const plan: DataflowPlan = { key, ops: [], notices: [], source: rec ? 'state' : 'none', notes: [] };
  if (isPaused(obj)) plan.notes.push(PLAN_NOTES.paused);
  const secrets = secretsFor(set, obj.namespace, obj.spec);
  const platform = resolvePlatform(obj, secrets);
  if (!platform.ok)
    return {
      ...plan,
      error: PLAN_NOTES.missingSecret(
        platform.missing.secret,
        platform.missing.key,
        platform.missing.problem,
      ),
    };
  const mixpanel = resolveMixpanel(obj, secrets);
  if (!mixpanel.ok)
    return {
      ...plan,
      error: PLAN_NOTES.missingSecret(
        mixpanel.missing.secret,
        mixpanel.missing.key,
        mixpanel.missing.problem,
      ),
    };
  const port = readOnlyPort(deps.connect(platform.value.credentials));
  const desired = desiredChain(obj, mixpanel.value);
  let status: DataflowStatus = obj.status ?? {};
  if (!rec) {
    // What reconciling would adopt: the engine's own discovery, read-only. The Mixpanel password
    // cannot be read back from Adobe, so credentials of a found base connection are assumed
    // applied (a state file records their hash, and then a rotation shows as an update).
    const { found } = await discoverChain(port, desired, status);
    status = found.baseConnection
      ? { ...found, appliedSourceCredentialsHash: desired.mixpanel.hash }
      : { ...found };
    if (status.baseConnection) plan.source = 'discovery';
  }
  const observed = await observe(port, status);
  const { ops, notices } = planChain(desired, observed, status, Math.floor(deps.now.getTime() / 1000));
  return { ...plan, ops, notices };
}

function planRemoved(key: string, rec: LocalRecord): DataflowPlan {
  const orphan = rec.spec.deletionPolicy === 'Orphan';
  return {
    key,
    ops: orphan ? [] : planDeletion(rec.status),
    notices: [],
    source: 'state',
    notes: [orphan ? PLAN_NOTES.orphan : PLAN_NOTES.removed],
  };
}

/** Plans every valid dataflow of `set` (and, with a state file, the removed ones), in key order. */
export async function planAll(set: ManifestSet, deps: PlanDeps): Promise<DataflowPlan[]> {
  const keys = [...set.dataflows.keys()].sort();
  const plans = await Promise.all(
    keys.map((key) =>
      planOne(key, set, deps).catch((err: unknown): DataflowPlan => ({
        key,
        ops: [],
        notices: [],
        source: 'none',
        notes: [],
        error: err instanceof Error ? err.message : String(err),
      })),
    ),
  );
  for (const [key, rec] of [...(deps.state ?? new Map<string, LocalRecord>())].sort(([a], [b]) =>
    a.localeCompare(b),
  ))
    if (!set.dataflows.has(key) && !set.invalidKeys.has(key)) plans.push(planRemoved(key, rec));
  return plans;
}
