/**
 * Leader election on a coordination.k8s.io/v1 Lease (client-go `leaderelection` semantics,
 * controller-runtime defaults 15 s / 10 s / 2 s). A candidate may take the Lease when nobody holds
 * it, or when the holder has not renewed it for a lease duration as measured on this candidate's
 * own clock (from when it last saw the record change), so clock skew between pods does not matter.
 * The leader renews every retry period; when it cannot renew for the renew deadline it has lost.
 */
import { isStatus, type KubeHttp } from './kube-http.js';

/** Timing of the election (client-go / controller-runtime defaults). */
export interface LeaseTiming {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** controller-runtime defaults: lease 15 s, renew deadline 10 s, retry period 2 s. */
export const LEASE_TIMING_DEFAULTS: Readonly<LeaseTiming> = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** The Lease spec fields the election uses. */
export interface LeaseRecord {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** A Lease as last read, and when (on the local clock) its record last changed. */
export interface ObservedLease {
  record: LeaseRecord;
  resourceVersion: string;
  observedAtMs: number;
}

/** What a candidate should do with the Lease now. */
export type LeaseDecision = 'create' | 'acquire' | 'renew' | 'wait';

/** Pure: the decision of `identity` given what it observed. */
export function decide(observed: ObservedLease | undefined, identity: string, nowMs: number): LeaseDecision {
  if (!observed) return 'create';
  const holder = observed.record.holderIdentity ?? '';
  if (holder === identity) return 'renew';
  const durationMs = (observed.record.leaseDurationSeconds ?? 0) * 1000;
  if (holder !== '' && observed.observedAtMs + durationMs > nowMs) return 'wait';
  return 'acquire';
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Options of a LeaderElector. */
export interface LeaderElectorOptions {
  kube: KubeHttp;
  namespace: string;
  name: string;
  identity: string;
  timing?: Partial<LeaseTiming>;
  onStartedLeading: () => void;
  /** Called once when leadership is lost (not when released on shutdown). */
  onStoppedLeading: () => void;
  /** Reports every leadership change (for `leader_election_master_status`). */
  onStatus?: (leading: boolean) => void;
  onError?: (err: unknown) => void;
  now?: () => number;
}

interface LeaseObject {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: LeaseRecord;
}

/** Runs the election loop until stopped. */
export class LeaderElector {
  private readonly timing: LeaseTiming;
  private readonly now: () => number;
  private observed: ObservedLease | undefined;
  private leading = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRenewMs = 0;
  private ticking: Promise<void> = Promise.resolve();
  private readonly path: string;

  constructor(private readonly opts: LeaderElectorOptions) {
    this.timing = { ...LEASE_TIMING_DEFAULTS, ...opts.timing };
    this.now = opts.now ?? Date.now;
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${opts.namespace}/leases`;
  }

  /** True while this process holds the Lease. */
  isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning. */
  start(): void {
    this.opts.onStatus?.(false);
    void this.tick();
  }

  /** Stops campaigning; if leading, gives the Lease up so a successor need not wait it out. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // A renewal in flight would bump the Lease's resourceVersion under the release (409, and the
    // successor would wait out the lease duration): let it land, then release what it wrote.
    await this.ticking;
    if (!this.leading) return;
    this.leading = false;
    this.opts.onStatus?.(false);
    const observed = this.observed;
    if (!observed) return;
    // client-go ReleaseOnCancel: empty holder, 1 s duration; a conflict means someone else took it.
    const nowIso = microTime(new Date(this.now()));
    await this.write(observed.resourceVersion, {
      ...observed.record,
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: nowIso,
      renewTime: nowIso,
    }).catch((err) => this.opts.onError?.(err));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private tick(): Promise<void> {
    this.ticking = this.attempt();
    return this.ticking;
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    const ok = await this.tryAcquireOrRenew().catch((err) => {
      this.opts.onError?.(err);
      return false;
    });
    if (this.stopped) return;
    if (ok) {
      this.lastRenewMs = this.now();
      if (!this.leading) {
        this.leading = true;
        this.opts.onStatus?.(true);
        this.opts.onStartedLeading();
      }
    } else if (this.leading && this.now() - this.lastRenewMs >= this.timing.renewDeadlineMs) {
      this.leading = false;
      this.stopped = true;
      this.opts.onStatus?.(false);
      this.opts.onStoppedLeading();
      return;
    }
    // client-go jitters the acquire retry by up to 20 %; renewals run on the plain period.
    this.schedule(
      this.leading ? this.timing.retryPeriodMs : this.timing.retryPeriodMs * (1 + 0.2 * Math.random()),
    );
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    await this.read();
    const now = this.now();
    const decision = decide(this.observed, this.opts.identity, now);
    if (decision === 'wait') return false;
    const nowIso = microTime(new Date(now));
    const durationSeconds = Math.ceil(this.timing.leaseDurationMs / 1000);
    const prev = this.observed?.record ?? {};
    const record: LeaseRecord =
      decision === 'renew'
        ? { ...prev, leaseDurationSeconds: durationSeconds, renewTime: nowIso }
        : {
            holderIdentity: this.opts.identity,
            leaseDurationSeconds: durationSeconds,
            acquireTime: nowIso,
            renewTime: nowIso,
            leaseTransitions: (prev.leaseTransitions ?? 0) + (decision === 'acquire' ? 1 : 0),
          };
    const written = await this.write(this.observed?.resourceVersion, record);
    this.observed = {
      record: written.spec,
      resourceVersion: written.metadata.resourceVersion!,
      observedAtMs: now,
    };
    return true;
  }

  private async read(): Promise<void> {
    try {
      const lease = await this.opts.kube.request<LeaseObject>('GET', `${this.path}/${this.opts.name}`, {
        timeoutMs: this.timing.renewDeadlineMs,
      });
      const record = lease.spec ?? {};
      const changed = !this.observed || JSON.stringify(this.observed.record) !== JSON.stringify(record);
      this.observed = {
        record,
        resourceVersion: lease.metadata.resourceVersion!,
        observedAtMs: changed ? this.now() : this.observed!.observedAtMs,
      };
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      this.observed = undefined;
    }
  }

  /** Creates (no resourceVersion) or replaces the Lease; a 409 means someone else won. */
  private write(resourceVersion: string | undefined, spec: LeaseRecord): Promise<LeaseObject> {
    const body: LeaseObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.opts.name, namespace: this.opts.namespace, resourceVersion },
      spec,
    };
    const timeoutMs = this.timing.renewDeadlineMs;
    return resourceVersion === undefined
      ? this.opts.kube.request<LeaseObject>('POST', this.path, { body, timeoutMs })
      : this.opts.kube.request<LeaseObject>('PUT', `${this.path}/${this.opts.name}`, { body, timeoutMs });
  }
}
