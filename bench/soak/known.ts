/**
 * Failures the soak finds that another issue owns and has not fixed on this branch yet. Each entry
 * names its issue; a violation it matches is printed apart and not counted. Delete an entry when
 * its fix lands (the soak test fails if an entry no longer matches anything, so none outlives it).
 */
import type { MixpanelDataflow } from '../../controller/api/index.js';
import type { Violation } from './end-state.js';

/** Known failures by issue. */
export const KNOWN_FAILURES: {
  issue: number;
  what: string;
  matches: (v: Violation, cr: MixpanelDataflow | undefined) => boolean;
}[] = [];

/** True when a violation is one of the known failures. */
export function knownFailure(v: Violation, crs: MixpanelDataflow[]): boolean {
  const cr = crs.find((c) => c.metadata.name === v.subject);
  return KNOWN_FAILURES.some((k) => k.matches(v, cr));
}
