/**
 * The vocabulary of a plan: one operation per thing the engine would do to one link of the chain.
 * `Operation` is a discriminated union on `link` and `verb`, so an executor that forgets a case,
 * or reads a field an operation does not carry, fails to compile. Display (`diff`) and intent
 * (`patch`) are separate: executors act on the typed intent, people read the diff.
 */
import type { Link } from './naming.js';
import type { RetiredRef } from './types.js';

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

/** One field that an update changes, for people (values printed, never secret). */
export interface FieldDiff {
  field: string;
  from: string;
  to: string;
}

/**
 * What a flow update writes, as planned: each present member is one JSON Patch op. A schedule key
 * present with the value `undefined` is removed (to and from `once`); the executor adds or replaces
 * the others depending on whether the observed flow has them. `mapping` points the flow at the
 * mapping set version recorded when the patch runs (a mapping update in the same act bumps it first).
 */
export interface FlowPatch {
  name?: string;
  description?: string;
  frequency?: string;
  interval?: number | undefined;
  /** Only ever removed (the flow spec forbids it with `once`). */
  backfill?: undefined;
  startTime?: number;
  mapping?: true;
}

/** Fields every operation has. `id` is the existing resource acted on, when there is one. */
interface OpBase {
  reason: string;
  diff?: FieldDiff[];
}

/** The two connections Adobe never updates in place: replaced as a pair when a pair parameter changes. */
export type PairLink = 'sourceConnection' | 'targetConnection';

/** An operation shape `T` on link `L`, one union member per link (so `Extract` by link works). */
type On<L extends Link, T> = L extends Link ? OpBase & { link: L } & T : never;

/** One planned operation. */
export type Operation =
  | On<'baseConnection', { verb: 'create'; id?: undefined }>
  | On<'baseConnection', { verb: 'update'; id: string }>
  | On<'baseConnection', { verb: 'verify'; id?: string }>
  | On<PairLink, { verb: 'create'; id?: undefined }>
  | On<PairLink, { verb: 'replace'; id: string }>
  | On<'mappingSet', { verb: 'create'; id?: undefined }>
  | On<'mappingSet', { verb: 'update'; id: string }>
  | On<'flow', { verb: 'create'; id?: undefined }>
  | On<'flow', { verb: 'replace'; id: string }>
  | On<'flow', { verb: 'update'; id: string; patch: FlowPatch }>
  | On<'flow', { verb: 'enable' | 'disable'; id?: string }>
  | DeleteOperation;

/** Deletes a resource of the chain (never a mapping set: Data Prep has no delete). */
export type DeleteOperation = On<RetiredRef['kind'], { verb: 'delete'; id: string }>;

/** The operations of one link. */
export type OperationOf<L extends Link> = Extract<Operation, { link: L }>;

/**
 * Something the plan will not do (yet), reported instead of fought: a start time Adobe no longer
 * lets us change, replacements held back until earlier replaced resources are deleted, or a flow
 * Adobe is moving between states (nothing is toggled until it settles; the engine looks again soon).
 */
export interface Notice {
  kind: 'StartTimeLocked' | 'DeletionsPending' | 'Transitioning';
  message: string;
}

/** The ordered operations plus notices. */
export interface Plan {
  ops: Operation[];
  notices: Notice[];
}

/** Compile-time exhaustiveness: a switch whose every case returned leaves nothing for this. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}

/** One line describing an operation, e.g. for a dry-run `plan` command. */
export function describeOperation(op: Operation): string {
  const target = op.id ? `${op.link} ${op.id}` : op.link;
  const diff = op.diff?.length ? `: ${op.diff.map((x) => `${x.field} ${x.from} → ${x.to}`).join('; ')}` : '';
  return `${op.verb} ${target}${diff} (${op.reason})`;
}
