/**
 * The list+watch state machine, as a pure `step(state, input) → {state, effect, events}` in the
 * style of kube-rs `watcher::State`. The driver (`watch-loop.ts`) performs the effect and feeds
 * back what happened; this file does no I/O, so every recovery path is a table-driven unit test.
 *
 * Recovery rules (client-go reflector / kube-rs watcher):
 * - 410 Gone (on watch start, as an ERROR event, or an expired list continue token) → relist;
 * - any other failure, and a silent stall seen by the watchdog → back off with jitter, then
 *   resume the watch from the last resourceVersion (a failed list restarts the list);
 * - a clean end of the watch (server timeout) → resume from the last resourceVersion at once;
 * - BOOKMARK events only move the resourceVersion forward.
 */

/** Where the loop is. */
export type WatcherState<T> =
  | { kind: 'Empty'; failures: number }
  | { kind: 'Listing'; continueToken: string | undefined; items: T[]; failures: number }
  | { kind: 'Watching'; resourceVersion: string; failures: number }
  | { kind: 'BackingOff'; resume: string | undefined; failures: number };

/** A raw watch event as the API server sends it. */
export interface RawWatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T | { code?: number; reason?: string; message?: string; metadata?: { resourceVersion?: string } };
}

/** What happened since the last effect. */
export type WatcherInput<T> =
  | { type: 'Start' }
  | { type: 'ListPage'; items: T[]; resourceVersion: string; continueToken: string | undefined }
  | { type: 'ListFailed'; status: number | undefined }
  | { type: 'Event'; event: RawWatchEvent<T> }
  | { type: 'WatchClosed' }
  | { type: 'WatchFailed'; status: number | undefined }
  | { type: 'Stalled' }
  | { type: 'BackoffElapsed' };

/** What the driver must do next (none: keep reading the open watch). */
export type WatcherEffect =
  | { type: 'List'; continueToken: string | undefined }
  | { type: 'Watch'; resourceVersion: string }
  | { type: 'Sleep'; failures: number };

/** What the cache must learn. */
export type WatcherEvent<T> =
  { type: 'Restarted'; items: T[] } | { type: 'Applied'; obj: T } | { type: 'Deleted'; obj: T };

/** Result of one step. */
export interface StepResult<T> {
  state: WatcherState<T>;
  effect: WatcherEffect | undefined;
  events: WatcherEvent<T>[];
}

/** Reads the resourceVersion of an object. */
export type VersionOf<T> = (obj: T) => string | undefined;

/** The state before anything happened. */
export const initialWatcherState = <T>(): WatcherState<T> => ({ kind: 'Empty', failures: 0 });

const GONE = 410;

const result = <T>(
  state: WatcherState<T>,
  effect?: WatcherEffect,
  events: WatcherEvent<T>[] = [],
): StepResult<T> => ({ state, effect, events });

/** Backs off, then resumes from `resume` (a resourceVersion) or relists (undefined). */
function backOff<T>(resume: string | undefined, failures: number): StepResult<T> {
  const next = failures + 1;
  return result({ kind: 'BackingOff', resume, failures: next }, { type: 'Sleep', failures: next });
}

function relist<T>(failures: number): StepResult<T> {
  return result(
    { kind: 'Listing', continueToken: undefined, items: [], failures },
    {
      type: 'List',
      continueToken: undefined,
    },
  );
}

/** Advances the state machine by one input. Pure. */
export function step<T>(
  state: WatcherState<T>,
  input: WatcherInput<T>,
  versionOf: VersionOf<T>,
): StepResult<T> {
  switch (input.type) {
    case 'Start':
      return relist(state.failures);
    case 'BackoffElapsed':
      if (state.kind !== 'BackingOff') return result(state);
      return state.resume === undefined
        ? relist(state.failures)
        : result(
            { kind: 'Watching', resourceVersion: state.resume, failures: state.failures },
            {
              type: 'Watch',
              resourceVersion: state.resume,
            },
          );
    case 'ListPage': {
      if (state.kind !== 'Listing') return result(state);
      const items = [...state.items, ...input.items];
      if (input.continueToken)
        return result(
          { ...state, items, continueToken: input.continueToken },
          {
            type: 'List',
            continueToken: input.continueToken,
          },
        );
      // The list is complete: the cache is replaced (and diffed) before watching from its version.
      return result(
        { kind: 'Watching', resourceVersion: input.resourceVersion, failures: 0 },
        { type: 'Watch', resourceVersion: input.resourceVersion },
        [{ type: 'Restarted', items }],
      );
    }
    case 'ListFailed':
      // An expired continue token is a 410 too: either way the list starts over after a backoff.
      return backOff(undefined, state.failures);
    case 'Event':
      return onEvent(state, input.event, versionOf);
    case 'WatchClosed':
      if (state.kind !== 'Watching') return result(state);
      return result(state, { type: 'Watch', resourceVersion: state.resourceVersion });
    case 'WatchFailed':
      if (state.kind !== 'Watching') return result(state);
      if (input.status === GONE) return relist(state.failures);
      return backOff(state.resourceVersion, state.failures);
    case 'Stalled':
      if (state.kind !== 'Watching') return result(state);
      return backOff(state.resourceVersion, state.failures);
  }
}

function onEvent<T>(state: WatcherState<T>, event: RawWatchEvent<T>, versionOf: VersionOf<T>): StepResult<T> {
  if (state.kind !== 'Watching') return result(state);
  if (event.type === 'ERROR') {
    const code = (event.object as { code?: number }).code;
    if (code === GONE) return relist(state.failures);
    return backOff(state.resourceVersion, state.failures);
  }
  const rv = versionOf(event.object as T) ?? state.resourceVersion;
  const next: WatcherState<T> = { kind: 'Watching', resourceVersion: rv, failures: 0 };
  if (event.type === 'BOOKMARK') return result(next);
  const obj = event.object as T;
  return result(next, undefined, [
    event.type === 'DELETED' ? { type: 'Deleted', obj } : { type: 'Applied', obj },
  ]);
}
