/**
 * The soak's settings: what the command line gives (crs, minutes, seed, replicas) and everything
 * derived from it — how many of each event, the controller's timings, and the bounds the
 * invariants hold it to. One place, so the report can print every bound it checked against.
 */

/** Command-line inputs. */
export interface SoakOptions {
  seed: number;
  crs: number;
  minutes: number;
  replicas: 1 | 2;
}

/** Everything the run uses. */
export interface SoakProfile extends SoakOptions {
  durationMs: number;
  namespace: string;
  /** Mixpanel Secrets shared by the dataflows (a rotation touches crs / mixpanelSecrets of them). */
  mixpanelSecrets: number;
  datasets: number;
  initialCreates: number;
  laterCreates: number;
  userEdits: number;
  aepRotations: number;
  kills: number;
  failovers: number;
  apiserverRestarts: number;
  watchSilences: number;
  tokenRevocations: number;
  /** Length of one fault window; the sandbox outage has its own. */
  faultWindowMs: number;
  outageMs: number;
  controller: {
    syncPeriod: string;
    syncPeriodMs: number;
    watchTimeout: string;
    /** The runtime restarts a watch silent for watch-timeout + 30 s. */
    stallMs: number;
    leaseDuration: string;
    renewDeadline: string;
    retryPeriod: string;
    rateLimit: number;
    burst: number;
    concurrency: number;
  };
  bounds: {
    /** After the last fault and edit: every live dataflow Ready at its generation within this. */
    convergenceMs: number;
    /**
     * Flow Service calls attributed to one dataflow in one minute: `base`, plus `perAction` for each
     * thing the user did to that dataflow in that minute (edits, replaces, pauses, deletes in Adobe).
     */
    callsPerDataflowMinute: { base: number; perAction: number };
    /** Resident memory of one controller process. */
    rssMiB: number;
  };
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

/** Derives the profile; CI uses small crs/minutes, the benchmark 100 dataflows for 10 minutes. */
export function soakProfile(o: SoakOptions): SoakProfile {
  const durationMs = Math.round(o.minutes * 60_000);
  const long = o.minutes >= 5;
  // Drift in Adobe is seen only at a resync, so the convergence bound includes one sync period.
  const syncPeriodMs = long ? 60_000 : 20_000;
  const watchTimeoutMs = long ? 30_000 : 10_000;
  const rateLimit = o.crs > 30 ? 20 : 10;
  // A full resync (about 6 calls per dataflow) at the org's request rate, plus the per-key backoff
  // a dataflow can have reached during the faults (the work queue caps it at 1000 s; the engine's
  // own Adobe retries cap at 60 s), plus one sync period for drift made at the very end.
  const resyncMs = ((o.crs * 6) / rateLimit) * 1000;
  const convergenceMs = Math.round(syncPeriodMs * 1.1 + resyncMs + 60_000);
  return {
    ...o,
    durationMs,
    namespace: 'soak',
    mixpanelSecrets: Math.max(2, Math.round(o.crs / 10)),
    datasets: 3,
    initialCreates: Math.ceil(o.crs * 0.8),
    laterCreates: o.crs - Math.ceil(o.crs * 0.8),
    userEdits: Math.max(50, Math.round(0.3 * o.crs * o.minutes)),
    aepRotations: long ? 2 : 1,
    kills: Math.max(4, Math.round(o.minutes * 0.8)),
    failovers: o.replicas === 2 ? Math.max(1, Math.round(o.minutes / 5)) : 0,
    apiserverRestarts: Math.max(1, Math.floor(o.minutes / 10)),
    watchSilences: long ? 2 : 1,
    tokenRevocations: long ? 3 : 1,
    faultWindowMs: Math.min(40_000, Math.max(8_000, Math.round(durationMs / 14))),
    // The "sandbox-wide outage of a minute"; compressed to 20 s in the 2-minute CI soak.
    outageMs: long ? 60_000 : 20_000,
    controller: {
      syncPeriod: seconds(syncPeriodMs),
      syncPeriodMs,
      watchTimeout: seconds(watchTimeoutMs),
      stallMs: watchTimeoutMs + 30_000,
      leaseDuration: '4s',
      renewDeadline: '3s',
      retryPeriod: '1s',
      rateLimit,
      burst: rateLimit * 2,
      concurrency: 4,
    },
    bounds: {
      convergenceMs,
      // A dataflow nobody touches: resyncs (6 calls each, at most 3 a minute), a re-list after each
      // restart or failover, drift repairs and the retries of a fault window fit under 90; each user
      // action adds up to a replace (15 calls) with retries. A hot loop (a reconcile a second or
      // more, 360+ calls a minute) does not fit, whatever the user did.
      callsPerDataflowMinute: { base: 90, perAction: 30 },
      rssMiB: 400,
    },
  };
}
