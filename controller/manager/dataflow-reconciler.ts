/**
 * One reconcile of one MixpanelDataflow, around the engine: read the CR fresh (the cache may lag
 * our own status writes), add the finalizer before any Adobe write, read the referenced Secrets,
 * and give the engine the object's context: a status sink that writes through the status
 * subresource at once (ids and etags survive a crash), an event sink, and `release`, which removes
 * the finalizer. Every text that leaves goes through the secret redactor. Logs one line per
 * outcome. Spec and metadata other than the finalizer are never written, so Argo CD never sees
 * drift caused by the controller. The engine's Action or ReconcileError goes to the runtime as is.
 */
import { API_VERSION, FINALIZER, KIND, PLURAL, GROUP, VERSION, CONDITION_TYPES } from '../api/index.js';
import type { MixpanelDataflow, MixpanelDataflowStatus } from '../api/index.js';
import type { DataflowObject, ObjectContext, ReconcileError, SecretsByName } from '../reconcile/index.js';
import { Action } from '../runtime/action.js';
import type { EventRecorder, ObjectReference } from '../runtime/event-recorder.js';
import { addFinalizer, hasFinalizer, removeFinalizer } from '../runtime/finalizer.js';
import { isStatus, type KubeHttp } from '../runtime/kube-http.js';
import { parseKey } from '../runtime/kube-object.js';
import type { StatusWriter } from '../runtime/status-writer.js';
import { readSecrets, redact, referencedSecrets } from './secrets.js';

/** The engine as the manager calls it: main.ts binds the Adobe connector and run monitoring. */
export type EngineFn = (object: DataflowObject, ctx: ObjectContext) => Promise<Action>;

/** Path of one MixpanelDataflow. */
export const dataflowPath = (namespace: string, name: string): string =>
  `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}/${name}`;

/** Event actions (events.k8s.io/v1 `action`) by engine event reason. */
const EVENT_ACTIONS: Record<string, string> = {
  Created: 'Create',
  Adopted: 'Adopt',
  Updated: 'Update',
  Replaced: 'Replace',
  Deleted: 'Delete',
  Enabled: 'Enable',
  Disabled: 'Disable',
  Orphaned: 'Orphan',
  RunFailed: 'MonitorRuns',
};

/** Log messages of the reconciler. */
export const RECONCILER_LOG = {
  outcome: 'reconciled',
  gone: 'object no longer exists',
  finalizerRemoved: 'finalizer removed; Kubernetes may delete the object',
} as const;

/** Structured logger (pino subset). */
export interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: object): Log;
}

/** Collaborators of the reconciler. */
export interface DataflowReconcilerDeps {
  kube: KubeHttp;
  engine: EngineFn;
  statusWriter: StatusWriter<MixpanelDataflow>;
  events: EventRecorder;
  log: Log;
}

let reconcileCounter = 0;

/** Builds `reconcile(key)` for the runtime Controller. */
export function dataflowReconciler(deps: DataflowReconcilerDeps) {
  return async function reconcileDataflow(key: string): Promise<Action> {
    const started = performance.now();
    const { namespace, name } = parseKey(key);
    const path = dataflowPath(namespace, name);
    const log = deps.log.child({ reconcileId: (++reconcileCounter).toString(36), namespace, name });
    let cr: MixpanelDataflow;
    try {
      cr = await deps.kube.request<MixpanelDataflow>('GET', path);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      log.info({ durationMs: ms(started) }, RECONCILER_LOG.gone);
      return Action.awaitChange();
    }
    const deleting = Boolean(cr.metadata.deletionTimestamp);
    if (deleting && !hasFinalizer(cr, FINALIZER)) return Action.awaitChange();
    // The finalizer goes on before the engine can make its first Adobe write.
    if (!deleting) cr = await addFinalizer(deps.kube, path, cr, FINALIZER);

    const secrets = await readSecrets(deps.kube, namespace, referencedSecrets(cr));
    const regarding: ObjectReference = {
      apiVersion: API_VERSION,
      kind: KIND,
      namespace,
      name,
      uid: cr.metadata.uid,
      resourceVersion: cr.metadata.resourceVersion,
    };
    let latest = cr;
    const ctx: ObjectContext = {
      secrets,
      logger: log,
      writeStatus: async (status) => {
        latest = await deps.statusWriter.write(latest, sanitize(status, secrets));
      },
      recordEvent: (e) =>
        deps.events.record(regarding, {
          type: e.type,
          reason: e.reason,
          action: EVENT_ACTIONS[e.reason] ?? 'Reconcile',
          note: redact(e.message, secrets),
        }),
      release: async () => {
        await removeFinalizer(deps.kube, path, latest, FINALIZER);
        log.info({}, RECONCILER_LOG.finalizerRemoved);
      },
    };
    const outcome = (fields: object) => {
      const synced = latest.status?.conditions?.find((c) => c.type === CONDITION_TYPES.Synced);
      log.info(
        {
          generation: cr.metadata.generation,
          durationMs: ms(started),
          synced: synced ? `${synced.status}/${synced.reason}` : undefined,
          deleting,
          ...fields,
        },
        RECONCILER_LOG.outcome,
      );
    };
    try {
      const action = await deps.engine(engineObject(cr), ctx);
      outcome({ requeueAfterMs: action.requeueAfterMs });
      return action;
    } catch (err) {
      // Status and events are written; the error goes to the runtime's error policy.
      outcome({ failure: (err as Partial<ReconcileError>).kind ?? 'Unexpected' });
      throw err;
    }
  };
}

function ms(started: number): number {
  return Math.round(performance.now() - started);
}

/** The engine's view of the CR. */
export function engineObject(cr: MixpanelDataflow): DataflowObject {
  const m = cr.metadata;
  return {
    uid: m.uid!,
    namespace: m.namespace!,
    name: m.name!,
    generation: m.generation ?? 1,
    ...(m.labels ? { labels: m.labels } : {}),
    ...(m.annotations ? { annotations: m.annotations } : {}),
    ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
    spec: cr.spec,
    ...(cr.status ? { status: cr.status } : {}),
  };
}

/** Status with every condition message passed through the secret redactor. */
function sanitize(status: MixpanelDataflowStatus, secrets: SecretsByName): MixpanelDataflowStatus {
  if (!status.conditions) return status;
  return {
    ...status,
    conditions: status.conditions.map((c) => ({ ...c, message: redact(c.message, secrets) })),
  };
}
