/**
 * Flow Service error codes the adapter acts on by name (EN help/sources/errors/flow-service-errors.md):
 * the transitional-state refusals (wait and retry) and the refused connection PATCH (take another way).
 */
import type { FlowServiceError } from '../flowservice/index.js';
import type { ReconcileErrorKind } from '../reconcile/index.js';

/** The ReconcileError kinds an Adobe code can give a validation error. */
export type CodedKind = Extract<ReconcileErrorKind, 'Busy' | 'Unsupported'>;

/** Codes that mean "Adobe is finishing a transition": the same request succeeds later. */
export const BUSY_CODES: ReadonlySet<string> = new Set([
  '1409', // operation cannot be applied on the current state enabled-finalizing
  '1416', // Delete or Update only on connections enabled, disabled or initializing
  '1418', // base connection still used by flows (a deleted flow finalizing still holds it)
  '1420', // the current state disabling cannot be updated
  '1421', // the current state updating cannot be transitioned
  '1447', // found active flows containing id (the same, for source/target connections)
  '1456', // state delete-finalizing is not a valid value
  '1457', // operation update cannot be applied in state delete-finalizing
  '1458', // operation delete cannot be applied in state delete-finalizing
]);

/** `1445-400 PATCH Connection Feature not enabled`. */
export const PATCH_NOT_ENABLED = '1445';

/** `1458`: the delete asked for is already under way. */
export const DELETE_UNDER_WAY = '1458';

/** `1422` names the state an action met; a transitional one means "later", a settled one "never". */
const TRANSITIONAL_STATE =
  /\b(finalizing|enabled-finalizing|delete-finalizing|disabling|enabling|updating|inProgress|initializing)\b/i;

/** The kind a validation error really is, when its code says so. */
export function kindByCode(err: FlowServiceError): CodedKind | undefined {
  if (err.kind !== 'validation' || err.adobeShortCode === undefined) return undefined;
  const code = err.adobeShortCode;
  if (code === PATCH_NOT_ENABLED) return 'Unsupported';
  if (BUSY_CODES.has(code)) return 'Busy';
  if (code === '1422' && TRANSITIONAL_STATE.test(err.adobeMessage ?? '')) return 'Busy';
  return undefined;
}
