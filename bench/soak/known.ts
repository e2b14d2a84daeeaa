/**
 * Failures the soak finds that another issue owns and has not fixed on this branch yet. Each entry
 * names its issue; a violation it matches is printed apart and not counted. Delete an entry when
 * its fix lands (the soak test fails if an entry no longer matches anything, so none outlives it).
 */
import type { MixpanelDataflow } from '../../controller/api/index.js';
import type { Violation } from './end-state.js';

/** Known failures by issue (none today: issue 11 fixed the schedule switches to and from `once`). */
export const KNOWN_FAILURES: {
  issue: number;
  what: string;
  matches: (v: Violation, cr: MixpanelDataflow | undefined) => boolean;
}[] = [];

/** The issue that owns a violation, when it is one of the known failures. */
export function knownFailure(v: Violation, crs: MixpanelDataflow[]): number | undefined {
  const cr = crs.find((c) => c.metadata.name === v.subject);
  return KNOWN_FAILURES.find((k) => k.matches(v, cr))?.issue;
}
