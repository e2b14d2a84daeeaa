/**
 * What the manager needs from the reconcile engine, declared structurally so the wiring depends on
 * the engine's shape, not its module: main.ts passes the real `reconcile` (controller/reconcile)
 * and the Adobe connector (controller/adobe) in.
 */
import type { MixpanelDataflowSpec, MixpanelDataflowStatus } from '../api/index.js';

/** The CR as the engine sees it. */
export interface EngineObject {
  uid: string;
  namespace: string;
  name: string;
  generation: number;
  /** Kubernetes labels (the metrics export the allowlisted ones). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  spec: MixpanelDataflowSpec;
  status?: MixpanelDataflowStatus;
}

/** One engine event (never carries a secret). */
export interface EngineEventOut {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** What one engine run returns. */
export interface EngineResult {
  status: MixpanelDataflowStatus;
  events: EngineEventOut[];
  action: { requeueAfterMs: number | null };
  deletionComplete: boolean;
  plan: unknown[];
  /** Set when the reconcile failed; `Terminal` means retrying cannot help until a change. */
  error?: { kind: string; reason: string };
}

/** Decoded Secrets by name (undefined: the Secret does not exist). */
export type EngineSecrets = Readonly<Record<string, Readonly<Record<string, string>> | undefined>>;

/** Logger subset the engine writes to. */
export interface EngineLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** The engine entry point with its collaborators bound, except per-reconcile ones. */
export type EngineFn = (
  input: { object: EngineObject; secrets: EngineSecrets; failures?: number },
  deps: { onProgress: (status: MixpanelDataflowStatus) => Promise<void>; logger: EngineLog },
) => Promise<EngineResult>;

/** Turns one planned operation into a log string. */
export type DescribeOperation = (op: never) => string;
