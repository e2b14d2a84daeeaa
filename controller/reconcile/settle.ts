/**
 * How soon to look again while Adobe is still settling (a flow toggle in flight, replaced resources
 * it will not delete yet). Adobe's transitions take seconds, so the first rechecks come after 1 s;
 * one that lasts longer is looked at less and less often, so a flow stuck in transition cannot
 * poll Adobe every second forever. The delay is the time settling has lasted so far (recorded in
 * `status.settlingSince`), so rechecks double without a second failure counter.
 */
import type { DataflowStatus } from './types.js';

/** First recheck delay while settling. */
export const SETTLE_RECHECK_MS = 1_000;
/** Longest recheck delay while settling (client-go's default per-item backoff caps at 1000 s). */
export const SETTLE_RECHECK_MAX_MS = 300_000;

/**
 * Records when settling began (kept across reconciles until it ends) and returns the delay before
 * the next look: the time it has lasted, between SETTLE_RECHECK_MS and SETTLE_RECHECK_MAX_MS.
 */
export function settleRecheck(status: DataflowStatus, now: Date): number {
  const since = status.settlingSince ? Date.parse(status.settlingSince) : NaN;
  if (!Number.isFinite(since) || since > now.getTime()) {
    status.settlingSince = now.toISOString();
    return SETTLE_RECHECK_MS;
  }
  return Math.min(SETTLE_RECHECK_MAX_MS, Math.max(SETTLE_RECHECK_MS, now.getTime() - since));
}

/** Settling is over: the next episode starts from the first, short recheck again. */
export function settled(status: DataflowStatus): void {
  delete status.settlingSince;
}
