/**
 * Local mode's controller: the cluster controller's work queue and workers and the same reconcile
 * engine, fed from manifest files instead of the API server. `apply(set)` is the "watch event":
 * new or changed dataflows (spec, annotations or referenced Secret content) are queued; dataflows
 * whose manifest disappeared get a deletion timestamp and are queued, so the engine deletes (or
 * orphans) their chain. Invalid documents keep what was applied before: they never delete.
 */
import { CONDITION_TYPES, type MixpanelDataflowSpec } from '../api/index.js';
import type { FlowServiceClient } from '../flowservice/index.js';
import type { ControllerMetricSet } from '../metrics/metrics.js';
import {
  desiredChain,
  reconcile,
  resolveMixpanel,
  resolvePlatform,
  type AdobeConnector,
  type DataflowObject,
  type EngineLogger,
  type PlatformCredentials,
} from '../reconcile/index.js';
import { Action, Controller } from '../runtime/controller.js';
import { WorkQueue } from '../runtime/workqueue.js';
import { discoverStatus } from './discover.js';
import { withHealth } from './health.js';
import { describeProblem, emptyManifestSet, secretsFor, type ManifestSet } from './manifests.js';
import type { LocalMetrics } from './metrics.js';
import type { LocalRecord, LocalState } from './state.js';
import { allReady, SUMMARY, summaryLine } from './summary.js';
import { localUid } from './uid.js';
import { rowOf, type View } from './view.js';

/** Collaborators of the local controller. */
export interface LocalControllerDeps {
  state: LocalState;
  connect: AdobeConnector;
  /** A Flow Service client for run reads. */
  client: (credentials: PlatformCredentials) => FlowServiceClient;
  metrics: ControllerMetricSet;
  localMetrics: LocalMetrics;
  view: View;
  log: EngineLogger & { error(obj: object, msg: string): void };
  /** Now as Adobe (or the simulator) sees it. */
  clock: () => Date;
  concurrency: number;
  syncPeriodMs: number;
  runPollPeriodMs: number;
  /** Called with every summary line (also shown by the view). */
  onSummary?: (line: string) => void;
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : x,
  );

/** The local controller. */
export class LocalController {
  private manifests: ManifestSet = emptyManifestSet();
  private readonly fileOf = new Map<string, string>();
  private readonly inputs = new Map<string, string>();
  private readonly inFlight = new Set<string>();
  private readonly queue: WorkQueue<string>;
  private readonly controller: Controller<string>;
  private poller: ReturnType<typeof setInterval> | undefined;
  private polling: Promise<void> = Promise.resolve();
  private allReady = false;
  private firstSummary = true;

  constructor(private readonly deps: LocalControllerDeps) {
    this.queue = new WorkQueue<string>({ metrics: deps.metrics.queue });
    this.controller = new Controller<string>({
      queue: this.queue,
      concurrency: deps.concurrency,
      resyncMs: deps.syncPeriodMs,
      exists: (key) => deps.state.get(key) !== undefined,
      metrics: deps.metrics.controller,
      onError: (key, err) =>
        deps.log.warn({ key, err: String(err) }, 'reconcile failed; retrying with backoff'),
      reconcile: (key, ctx) => this.reconcileKey(key, ctx.failures),
    });
  }

  /** Starts the workers and the run poller. */
  start(): void {
    this.controller.start();
    this.poller = setInterval(() => {
      this.polling = this.polling.then(() => this.pollRuns());
    }, this.deps.runPollPeriodMs);
    this.poller.unref();
  }

  /** Stops taking work and waits up to `graceMs` for reconciles in flight. */
  async stop(graceMs: number): Promise<boolean> {
    clearInterval(this.poller);
    const drained = await this.controller.stop(graceMs);
    await this.polling;
    await this.deps.state.persist();
    return drained;
  }

  /** Takes a fresh read of the manifest folder and queues what changed. */
  async apply(set: ManifestSet): Promise<void> {
    const { state } = this.deps;
    this.manifests = set;
    this.deps.view.problems(set.problems.map(describeProblem));
    if (set.dataflows.size === 0 && state.keys().length === 0) this.deps.view.summary(SUMMARY.none);
    for (const df of set.dataflows.values()) {
      this.fileOf.set(df.key, df.file);
      const rec = state.get(df.key);
      const next: LocalRecord = rec
        ? { ...rec }
        : {
            namespace: df.namespace,
            name: df.name,
            uid: localUid(df.namespace, df.name),
            generation: 0,
            spec: df.spec,
            status: {},
          };
      const changed =
        !rec ||
        canonical(rec.spec) !== canonical(df.spec) ||
        canonical(rec.annotations ?? {}) !== canonical(df.annotations ?? {});
      if (changed) next.generation += 1;
      next.spec = df.spec;
      if (df.annotations) next.annotations = df.annotations;
      else delete next.annotations;
      delete next.deletionTimestamp;
      if (changed || rec?.deletionTimestamp) await state.set(df.key, next);
      this.enqueueIfChanged(df.key, next);
    }
    for (const key of state.keys()) {
      if (set.dataflows.has(key) || set.invalidKeys.has(key)) continue;
      const file = this.fileOf.get(key);
      if (file ? set.brokenFiles.has(file) : set.brokenFiles.size > 0) continue; // unknown: keep it
      const rec = state.get(key)!;
      if (!rec.deletionTimestamp)
        await state.set(key, { ...rec, deletionTimestamp: new Date().toISOString() });
      this.enqueueIfChanged(key, state.get(key)!);
    }
    this.refresh();
  }

  /** Keys known to local mode (manifests and recorded state). */
  keys(): string[] {
    return this.deps.state.keys().sort();
  }

  private enqueueIfChanged(key: string, rec: LocalRecord): void {
    const input = canonical({
      generation: rec.generation,
      deleting: Boolean(rec.deletionTimestamp),
      secrets: secretsFor(this.manifests, rec.namespace, rec.spec),
    });
    if (this.inputs.get(key) === input) return;
    this.inputs.set(key, input);
    this.queue.add(key);
  }

  private object(rec: LocalRecord): DataflowObject {
    return {
      uid: rec.uid,
      namespace: rec.namespace,
      name: rec.name,
      generation: rec.generation,
      ...(rec.annotations ? { annotations: rec.annotations } : {}),
      ...(rec.deletionTimestamp ? { deletionTimestamp: rec.deletionTimestamp } : {}),
      spec: rec.spec,
      status: rec.status,
    };
  }

  private async reconcileKey(key: string, failures: number): Promise<Action> {
    const { state, log } = this.deps;
    let rec = state.get(key);
    if (!rec) return Action.awaitChange();
    this.inFlight.add(key);
    try {
      if (!rec.status.baseConnection && !rec.deletionTimestamp) {
        await this.adopt(key, rec, secretsFor(this.manifests, rec.namespace, rec.spec));
        rec = state.get(key) ?? rec; // re-read: the folder may have changed meanwhile
      }
      const secrets = secretsFor(this.manifests, rec.namespace, rec.spec);
      const save = async (status: LocalRecord['status']) => {
        const current = state.get(key);
        if (current) await state.set(key, { ...current, status });
        this.refresh();
      };
      const result = await reconcile(
        { object: this.object(rec), secrets, failures },
        { connect: this.deps.connect, onProgress: save, logger: log, clock: this.deps.clock },
      );
      await save(result.status);
      for (const e of result.events) this.deps.view.event(`${key} ${e.reason}: ${e.message}`);
      if (result.deletionComplete) {
        await state.delete(key);
        this.inputs.delete(key);
        this.fileOf.delete(key);
        await this.deps.localMetrics.forget(rec.namespace, rec.name);
        this.refresh();
        return Action.awaitChange();
      }
      if (!rec.deletionTimestamp) await this.refreshRun(key);
      const after = result.action.requeueAfterMs;
      return after === null ? Action.awaitChange() : Action.requeue(after);
    } finally {
      this.inFlight.delete(key);
    }
  }

  /**
   * Before the first reconcile of a dataflow with no recorded ids (fresh start, no state file),
   * finds the chain an earlier run created, so the engine adopts all of it. Best effort: on any
   * failure the engine's own find-by-name before each create still prevents duplicate connections.
   */
  private async adopt(key: string, rec: LocalRecord, secrets: ReturnType<typeof secretsFor>): Promise<void> {
    const obj = this.object(rec);
    const platform = resolvePlatform(obj, secrets);
    const mixpanel = resolveMixpanel(obj, secrets);
    if (!platform.ok || !mixpanel.ok) return;
    try {
      const found = await discoverStatus(
        this.deps.client(platform.value.credentials),
        this.deps.connect(platform.value.credentials),
        desiredChain(obj, mixpanel.value),
        { assumeCredentialsApplied: false },
      );
      if (!found.baseConnection) return;
      const current = this.deps.state.get(key);
      if (current) await this.deps.state.set(key, { ...current, status: { ...current.status, ...found } });
      this.deps.view.event(
        `${key} Discovered: found the chain of an earlier run (flow ${found.flow?.id ?? 'none'}).`,
      );
    } catch (err) {
      this.deps.log.warn({ key, err: String(err) }, 'looking up an earlier chain failed');
    }
  }

  /** Reads the newest run of every flow not being reconciled right now. */
  private async pollRuns(): Promise<void> {
    for (const key of this.deps.state.keys()) {
      if (this.inFlight.has(key)) continue;
      try {
        await this.refreshRun(key);
      } catch (err) {
        this.deps.log.warn({ key, err: String(err) }, 'reading runs failed');
      }
    }
  }

  private async refreshRun(key: string): Promise<void> {
    const rec = this.deps.state.get(key);
    const flowId = rec?.status.flow?.id;
    if (!rec || !flowId || rec.deletionTimestamp) return;
    const platform = resolvePlatform(this.object(rec), secretsFor(this.manifests, rec.namespace, rec.spec));
    if (!platform.ok) return;
    const [run] = await this.deps.client(platform.value.credentials).runs.latest(flowId, 1);
    const status = withHealth(rec.status, run, specEnabled(rec.spec), this.deps.clock());
    if (status.lastRun) this.deps.localMetrics.run(rec.namespace, rec.name, status.lastRun);
    if (canonical(status) === canonical(rec.status)) return;
    const current = this.deps.state.get(key);
    if (current)
      await this.deps.state.set(key, {
        ...current,
        status: { ...current.status, lastRun: status.lastRun!, conditions: status.conditions! },
      });
    this.refresh();
  }

  /** Redraws, updates condition gauges, and announces when every dataflow became Ready. */
  private refresh(): void {
    const { state, view, localMetrics } = this.deps;
    const keys = this.keys();
    const records = keys.map((k) => state.get(k)!);
    view.rows(keys.map((k, i) => rowOf(k, records[i]!)));
    for (const rec of records)
      for (const type of Object.values(CONDITION_TYPES)) {
        const c = rec.status.conditions?.find((x) => x.type === type);
        localMetrics.condition(rec.namespace, rec.name, type, c?.status === 'True');
      }
    const ready = allReady(records);
    if (ready && !this.allReady) {
      const line = summaryLine(
        records.length,
        this.manifests.problems.length,
        this.firstSummary ? performance.now() : undefined,
      );
      this.firstSummary = false;
      view.summary(line);
      this.deps.onSummary?.(line);
    }
    this.allReady = ready;
  }
}

function specEnabled(spec: MixpanelDataflowSpec): boolean {
  return spec.enabled ?? true;
}
