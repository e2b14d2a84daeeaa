/**
 * Drives the pure watcher state machine against a ListWatchSource: performs each effect, feeds
 * what happened back into `step`, writes the result into the cache and reports every change.
 * A watchdog aborts a watch that stays silent longer than `stallMs` (half-open TCP: the bare
 * client-node informer just stops, kubernetes-client/javascript#596).
 */
import { jitteredDelay, WATCH_BACKOFF_DEFAULTS, type JitterBackoffOptions } from './backoff.js';
import type { StoreChange, StoreWriter } from './store.js';
import {
  initialWatcherState,
  step,
  type RawWatchEvent,
  type VersionOf,
  type WatcherEffect,
  type WatcherEvent,
  type WatcherInput,
  type WatcherState,
} from './watcher.js';

/** One page of a list. */
export interface ListPage<T> {
  items: T[];
  resourceVersion: string;
  continueToken: string | undefined;
}

/** An error from the API server with its HTTP status (410 means Gone). */
export interface StatusError extends Error {
  status?: number;
}

/** The two calls a watch loop needs; `watch` resolves on a clean end and rejects on failure. */
export interface ListWatchSource<T> {
  list(opts: { continueToken: string | undefined; signal: AbortSignal }): Promise<ListPage<T>>;
  watch(
    opts: { resourceVersion: string; signal: AbortSignal },
    onEvent: (event: RawWatchEvent<T>) => void,
  ): Promise<void>;
}

/** Options of a WatchLoop. */
export interface WatchLoopOptions<T> {
  source: ListWatchSource<T>;
  writer: StoreWriter<T>;
  versionOf: VersionOf<T>;
  /** Receives every change of the cache, in order. */
  onChange: (change: StoreChange<T>) => void;
  /** Abort a watch that delivered nothing (not even a bookmark) for this long. */
  stallMs: number;
  backoff?: JitterBackoffOptions;
  /** Told about restarts and failures (for logs). */
  onTransition?: (info: {
    from: WatcherState<T>['kind'];
    to: WatcherState<T>['kind'];
    input: string;
    error?: unknown;
  }) => void;
  random?: () => number;
}

/** An input for the state machine, with the error that caused it (for logs). */
type Performed<T> = [WatcherInput<T>, unknown?];

/** A running list+watch; `stop()` ends it. */
export class WatchLoop<T> {
  private readonly abort = new AbortController();
  private state: WatcherState<T> = initialWatcherState<T>();
  private running: Promise<void> | undefined;
  private restarts = 0;

  constructor(private readonly opts: WatchLoopOptions<T>) {}

  /** Starts the loop (idempotent). */
  start(): void {
    this.running ??= this.run();
  }

  /** Stops the loop and waits for it to end. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  /** Current state kind (for readiness and tests). */
  stateKind(): WatcherState<T>['kind'] {
    return this.state.kind;
  }

  /** Times the loop relisted or resumed after a failure. */
  restartCount(): number {
    return this.restarts;
  }

  private async run(): Promise<void> {
    let effect = this.advance({ type: 'Start' });
    while (effect && !this.abort.signal.aborted) {
      const [input, error] = await this.perform(effect);
      if (this.abort.signal.aborted) return;
      effect = this.advance(input, error);
    }
  }

  /** Applies one input: new state, cache writes, change reports; returns the next effect. */
  private advance(input: WatcherInput<T>, error?: unknown): WatcherEffect | undefined {
    const from = this.state.kind;
    const { state, effect, events } = step(this.state, input, this.opts.versionOf);
    this.state = state;
    const failed = input.type === 'ListFailed' || input.type === 'WatchFailed' || input.type === 'Stalled';
    if (failed || (input.type === 'Event' && state.kind !== 'Watching')) {
      this.restarts++;
      this.opts.onTransition?.({ from, to: state.kind, input: input.type, error });
    }
    for (const event of events) this.deliver(event);
    return effect;
  }

  private deliver(event: WatcherEvent<T>): void {
    const { writer, onChange } = this.opts;
    if (event.type === 'Restarted') for (const c of writer.replace(event.items)) onChange(c);
    else {
      const change = event.type === 'Applied' ? writer.apply(event.obj) : writer.delete(event.obj);
      if (change) onChange(change);
    }
  }

  private async perform(effect: WatcherEffect): Promise<Performed<T>> {
    switch (effect.type) {
      case 'Sleep':
        await sleep(
          jitteredDelay(
            effect.failures,
            this.opts.backoff ?? WATCH_BACKOFF_DEFAULTS,
            this.opts.random ?? Math.random,
          ),
          this.abort.signal,
        );
        return [{ type: 'BackoffElapsed' }];
      case 'List':
        try {
          const page = await this.opts.source.list({
            continueToken: effect.continueToken,
            signal: this.abort.signal,
          });
          return [{ type: 'ListPage', ...page }];
        } catch (err) {
          return [{ type: 'ListFailed', status: (err as StatusError).status }, err];
        }
      case 'Watch':
        return this.watch(effect.resourceVersion);
    }
  }

  /**
   * Runs one watch request. Events go through `step` as they arrive; if one of them asks for a
   * different effect (an ERROR 410), the request is aborted and that effect's input is returned.
   */
  private watch(resourceVersion: string): Promise<Performed<T>> {
    const local = new AbortController();
    const signal = AbortSignal.any([local.signal, this.abort.signal]);
    return new Promise<Performed<T>>((resolve) => {
      let settled = false;
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const finish = (input: WatcherInput<T>, error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        local.abort();
        resolve([input, error]);
      };
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => finish({ type: 'Stalled' }), this.opts.stallMs);
      };
      arm();
      const onEvent = (event: RawWatchEvent<T>) => {
        if (settled) return;
        arm();
        const effect = this.advance({ type: 'Event', event });
        // The state machine left Watching (ERROR event): end this request and carry out its effect.
        if (effect) {
          settled = true;
          clearTimeout(watchdog);
          local.abort();
          resolve(this.perform(effect));
        }
      };
      this.opts.source.watch({ resourceVersion, signal }, onEvent).then(
        () => finish({ type: 'WatchClosed' }),
        (err: StatusError) => finish({ type: 'WatchFailed', status: err.status }, err),
      );
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
