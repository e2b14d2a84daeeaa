/**
 * Local mode's controller: the cluster controller's work queue and workers and the same reconcile
 * engine, fed from manifest files instead of the API server. `apply(set)` is the "watch event":
 * new or changed dataflows (spec, annotations or referenced Secret content) are queued; dataflows
 * whose manifest disappeared get a deletion timestamp and are queued, so the engine deletes (or
 * orphans) their chain. Invalid documents keep what was applied before: they never delete.
 * Run monitoring (Healthy, status.lastRun) and the dataflow metrics are the engine's and the
 * cluster controller's, wired the same way as in controller/main.ts.
 */
import type { DataflowMetrics } from '../metrics/dataflow-metrics.js';
import type { ControllerMetricSet } from '../metrics/metrics.js';
import { observeReconcile } from '../metrics/monitoring.js';
import {
  describeProblem,
  emptyManifestSet,
  localUid,
  secretsFor,
  type LocalRecord,
  type LocalState,
  type ManifestSet,
} from '../offline/index.js';
import {
  errorPolicy,
  reconcile,
  type AdobeConnector,
  type DataflowObject,
  type EngineLogger,
} from '../reconcile/index.js';
import { Action } from '../runtime/action.js';
import { Controller } from '../runtime/controller.js';
import { WorkQueue } from '../runtime/workqueue.js';
import { canonicalJson } from '../util/canonical-json.js';
import { allReady, SUMMARY, summaryLine } from './summary.js';
import { rowOf, type View } from './view.js';

/** Collaborators of the local controller. */
export interface LocalControllerDeps {
  state: LocalState;
  connect: AdobeConnector;
  /** controller-runtime and workqueue metrics. */
  metrics: ControllerMetricSet;
  /** The cluster controller's dataflow metrics; their run observer is the engine's. */
  dataflows: DataflowMetrics;
  view: View;
  log: EngineLogger & { error(obj: object, msg: string): void };
  /** Now as Adobe (or the simulator) sees it. */
  clock: () => Date;
  concurrency: number;
  /** Resync period: each resync reconciles, and so reads the flow's new runs (as in the cluster). */
  syncPeriodMs: number;
  /** Called with every summary line (also shown by the view). */
  onSummary?: (line: string) => void;
}

/** The local controller. */
export class LocalController {
  private manifests: ManifestSet = emptyManifestSet();
  private readonly fileOf = new Map<string, string>();
  private readonly inputs = new Map<string, string>();
  private readonly queue: WorkQueue<string>;
  private readonly controller: Controller<string>;
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
      errorPolicy: (_key, err, attempts) => errorPolicy(err, attempts),
      onError: (key, err) => deps.log.warn({ key, err: String(err) }, 'reconcile failed'),
      reconcile: (key) => this.reconcileKey(key),
    });
  }

  /** Starts the workers. */
  start(): void {
    this.controller.start();
  }

  /** Stops taking work and waits up to `graceMs` for reconciles in flight. */
  async stop(graceMs: number): Promise<boolean> {
    const drained = await this.controller.stop(graceMs);
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
        canonicalJson(rec.spec) !== canonicalJson(df.spec) ||
        canonicalJson(rec.annotations ?? {}) !== canonicalJson(df.annotations ?? {});
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
    const input = canonicalJson({
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

  /** One reconcile: the cluster's engine with status kept in the state (file) and events in the view. */
  private async reconcileKey(key: string): Promise<Action> {
    const { state, log, dataflows } = this.deps;
    const rec = state.get(key);
    if (!rec) return Action.awaitChange();
    const object = this.object(rec);
    const sinks = observeReconcile(dataflows, object, {
      writeStatus: async (status: LocalRecord['status']) => {
        const current = state.get(key);
        if (current) await state.set(key, { ...current, status });
        this.refresh();
      },
      release: async () => {
        await state.delete(key);
        this.inputs.delete(key);
        this.fileOf.delete(key);
        this.refresh();
      },
    });
    // As in the cluster (manager/dataflow-reconciler.ts): the engine's Action or ReconcileError
    // goes to the runtime, which counts failures and asks the same error policy.
    return reconcile(object, {
      ...sinks,
      secrets: secretsFor(this.manifests, rec.namespace, rec.spec),
      recordEvent: (e) => this.deps.view.event(`${key} ${e.reason}: ${e.message}`),
      connect: this.deps.connect,
      logger: log,
      clock: this.deps.clock,
      runs: { observer: dataflows.runs },
    });
  }

  /** Redraws, and announces when every dataflow became Ready. */
  private refresh(): void {
    const { state, view } = this.deps;
    const keys = this.keys();
    const records = keys.map((k) => state.get(k)!);
    view.rows(keys.map((k, i) => rowOf(k, records[i]!)));
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
