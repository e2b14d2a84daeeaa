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
}[] = [
  {
    // A switch to or from `frequency: once` sends `replace /scheduleParams/interval` with no value
    // (or for a path that does not exist); Adobe answers 1455 and the dataflow stays ValidationFailed.
    issue: 11,
    what: 'schedule switches to and from once are refused with FLOW-1455-400',
    matches: (v, cr) =>
      ['Ready at the current generation', 'every flow equals its spec'].includes(v.check) &&
      (cr?.status?.conditions ?? []).some(
        (c) => c.type === 'Synced' && /flows\.patch: .*FLOW-1455-400/.test(c.message ?? ''),
      ),
  },
];

/** The issue that owns a violation, when it is one of the known failures. */
export function knownFailure(v: Violation, crs: MixpanelDataflow[]): number | undefined {
  const cr = crs.find((c) => c.metadata.name === v.subject);
  return KNOWN_FAILURES.find((k) => k.matches(v, cr))?.issue;
}
