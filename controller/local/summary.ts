/** The one-line summary local mode prints when every dataflow is Ready for its current spec (pure). */
import { CONDITION_TYPES } from '../api/index.js';
import type { LocalRecord } from '../offline/index.js';

/** Summary lines. */
export const SUMMARY = {
  allReady: (n: number) => `all ${n} dataflow${n === 1 ? '' : 's'} Ready`,
  invalid: (n: number) => ` (${n} invalid manifest problem${n === 1 ? '' : 's'}; see above)`,
  none: 'no MixpanelDataflow manifests found',
} as const;

/** True when there is at least one dataflow and each is Ready for its current generation, none deleting. */
export function allReady(records: readonly LocalRecord[]): boolean {
  return (
    records.length > 0 &&
    records.every((rec) => {
      const r = rec.status.conditions?.find((c) => c.type === CONDITION_TYPES.Ready);
      return !rec.deletionTimestamp && r?.status === 'True' && r.observedGeneration === rec.generation;
    })
  );
}

/** The summary line; `elapsedMs` is given for the first one only. */
export function summaryLine(count: number, problems: number, elapsedMs?: number): string {
  const elapsed = elapsedMs === undefined ? '' : ` in ${(elapsedMs / 1000).toFixed(1)}s`;
  return `${SUMMARY.allReady(count)}${elapsed}${problems ? SUMMARY.invalid(problems) : ''}`;
}
