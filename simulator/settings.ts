/** Strictness knobs of the simulator: transitional-state timings, per-org connection-PATCH refusal,
 * the treatment of undocumented filters and the Copy transformation. Every default is the stricter
 * plausible reading (see simulator/README.md); tests and later tools change them through
 * `/__simulator/settings`. */

/** How long each transitional state lasts, in simulated milliseconds (Adobe documents no duration). */
export interface TransitionTimes {
  /** A deleted flow stays `delete-finalizing` (its connections still in use) this long. */
  flowDeleteMs: number;
  /** An enabled flow is `enabled-finalizing` this long before it is `enabled` and runs. */
  flowEnableMs: number;
  /** A disabled flow is `disabling` (runs still start) this long before it is `disabled`. */
  flowDisableMs: number;
  /** A new source or target connection is `inProgress` this long. */
  connectionCreateMs: number;
  /** A patched connection is `updating` this long. */
  connectionUpdateMs: number;
}

/** The simulator's strictness settings. */
export interface SimSettings {
  /** Transitional states on (the default) or every transition instant. */
  transitions: boolean;
  times: TransitionTimes;
  /** Orgs whose `PATCH /connections/{id}` answers `1445-400 PATCH Connection Feature not enabled`. */
  connectionPatchRefusedOrgs: Set<string>;
  /** A `property` filter on a field Adobe does not list for the collection: 1449-400, or ignored. */
  undocumentedFilters: 'reject' | 'ignore';
  /** Ignore every filter, documented ones too (Flow Service `property`, Data Prep `name`): the
   * laxest server a client could meet; it must still find only its own resources. */
  ignoreAllFilters: boolean;
  /** Store a `Copy` transformation before `Mapping`, as Adobe's own flow example shows. */
  copyTransformation: boolean;
}

/** Default transition times: short, in simulated time, so tests advance the clock past them. */
export const DEFAULT_TIMES: Readonly<TransitionTimes> = {
  flowDeleteMs: 1_000,
  flowEnableMs: 1_000,
  flowDisableMs: 1_000,
  connectionCreateMs: 1_000,
  connectionUpdateMs: 1_000,
};

/** Fresh default settings. */
export function defaultSettings(): SimSettings {
  return {
    transitions: true,
    times: { ...DEFAULT_TIMES },
    connectionPatchRefusedOrgs: new Set(),
    undocumentedFilters: 'reject',
    ignoreAllFilters: false,
    copyTransformation: true,
  };
}

/** The duration of a transition, 0 when transitions are off. */
export function transitionMs(s: SimSettings, which: keyof TransitionTimes): number {
  return s.transitions ? Math.max(0, s.times[which]) : 0;
}

/** The settings as JSON (sets become arrays). */
export function settingsView(s: SimSettings): Record<string, unknown> {
  return { ...s, times: { ...s.times }, connectionPatchRefusedOrgs: [...s.connectionPatchRefusedOrgs] };
}

function bad(message: string): never {
  throw new TypeError(message);
}

/** Applies a partial update from `POST /__simulator/settings`; throws TypeError on a bad field. */
export function updateSettings(s: SimSettings, body: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(body)) {
    switch (k) {
      case 'transitions':
        if (typeof v !== 'boolean') bad('transitions must be a boolean');
        s.transitions = v;
        break;
      case 'times':
        if (typeof v !== 'object' || v === null) bad('times must be an object');
        for (const [t, ms] of Object.entries(v)) {
          if (!(t in s.times)) bad(`unknown transition time ${t}`);
          if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
            bad(`times.${t} must be a non-negative number`);
          s.times[t as keyof TransitionTimes] = ms;
        }
        break;
      case 'connectionPatchRefusedOrgs':
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
          bad('connectionPatchRefusedOrgs must be an array of org ids');
        s.connectionPatchRefusedOrgs = new Set(v as string[]);
        break;
      case 'undocumentedFilters':
        if (v !== 'reject' && v !== 'ignore') bad("undocumentedFilters must be 'reject' or 'ignore'");
        s.undocumentedFilters = v;
        break;
      case 'ignoreAllFilters':
        if (typeof v !== 'boolean') bad('ignoreAllFilters must be a boolean');
        s.ignoreAllFilters = v;
        break;
      case 'copyTransformation':
        if (typeof v !== 'boolean') bad('copyTransformation must be a boolean');
        s.copyTransformation = v;
        break;
      default:
        bad(`unknown setting ${k}`);
    }
  }
}
