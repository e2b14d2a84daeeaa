/** Run outcomes the tests script: status, record counts, errors, duration, queueing and shape. */

/** A run's final status: Adobe's examples show success, failed and partialSuccess. */
export type RunFinalStatus = 'success' | 'failed' | 'partialSuccess';

/**
 * How a run item carries its status: `full` in `metrics.statusSummary.status` and a top-level
 * `state`; `stateOnly` in the top-level `state` only (the monitoring guide filters
 * `runs?property=state==inProgress`).
 */
export const RUN_SHAPES = ['full', 'stateOnly'] as const;

/** One run shape. */
export type RunShape = (typeof RUN_SHAPES)[number];

/** A scripted run outcome (every field optional; defaults are a clean success). */
export interface OutcomeInput {
  status?: RunFinalStatus;
  inputRecordCount?: number;
  outputRecordCount?: number;
  failedRecordCount?: number;
  errors?: { code: string; message: string }[];
  durationMs?: number;
  /** Time the run stays `scheduled` (statusSummary only, no durationSummary) before it starts. */
  queuedMs?: number;
  shape?: RunShape;
}

/** A fully resolved outcome. */
export interface Outcome {
  status: RunFinalStatus;
  inputRecordCount: number;
  outputRecordCount: number;
  failedRecordCount: number;
  errors: { code: string; message: string }[];
  durationMs: number;
  queuedMs: number;
  shape: RunShape;
}

/** Run error codes documented in EN monitor.md. */
export const RUN_ERRORS = {
  COPY_FAILED: { code: 'CONNECTOR-1001-500', message: 'Error in copying the data from Source.' },
  PROCESSING_FAILED: {
    code: 'CONNECTOR-2001-500',
    message: 'Error in processing (parsing, validation or transformation) the copied data.',
  },
  /** A mapping error on some records (code from EN monitor.md; the message is the simulator's). */
  SOME_RECORDS_FAILED: { code: 'MAPPER-3700-400', message: 'Some records failed mapping.' },
} as const;

/** Default outcome when nothing is scripted. */
export const DEFAULT_OUTCOME: Outcome = {
  status: 'success',
  inputRecordCount: 100,
  outputRecordCount: 100,
  failedRecordCount: 0,
  errors: [],
  durationMs: 60_000,
  queuedMs: 0,
  shape: 'full',
};

/** An ad-hoc run is `scheduled` this long before it starts (EN create-flow-runs.md answers `scheduled`). */
export const AD_HOC_QUEUE_MS = 10_000;

/** A scripted outcome with every field filled in from `base`. */
export function resolve(o: OutcomeInput | undefined, base: Outcome): Outcome {
  const status = o?.status ?? base.status;
  const input = o?.inputRecordCount ?? base.inputRecordCount;
  const failed =
    o?.failedRecordCount ??
    (status === 'failed'
      ? input
      : status === 'partialSuccess'
        ? Math.max(1, Math.floor(input / 10))
        : base.failedRecordCount);
  const defaultErrors =
    status === 'failed'
      ? [{ ...RUN_ERRORS.COPY_FAILED }]
      : status === 'partialSuccess'
        ? [{ ...RUN_ERRORS.SOME_RECORDS_FAILED }]
        : [];
  return {
    status,
    inputRecordCount: input,
    failedRecordCount: failed,
    outputRecordCount: o?.outputRecordCount ?? Math.max(0, input - failed),
    errors: o?.errors ?? defaultErrors,
    durationMs: o?.durationMs ?? base.durationMs,
    queuedMs: o?.queuedMs ?? base.queuedMs,
    shape: o?.shape ?? base.shape,
  };
}
