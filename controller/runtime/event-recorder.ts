/**
 * Records events.k8s.io/v1 Events about an object. A repeat of the same event (same object, type,
 * reason, action and note) within `seriesWindowMs` updates the first Event's `series` (count and
 * lastObservedTime) instead of creating another object, like client-go's event broadcaster.
 * Recording never fails the caller: errors go to `onError`. Notes are cut to the API's 1 kB.
 */
import { microTime } from './leader-election.js';
import { isStatus, PATCH_TYPES, type KubeHttp } from './kube-http.js';

/** What the Event is about. */
export interface ObjectReference {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
}

/** One event to record. */
export interface EventInput {
  type: 'Normal' | 'Warning';
  /** CamelCase machine-readable reason. */
  reason: string;
  /** What the controller did or failed to do (required by events.k8s.io/v1). */
  action: string;
  /** Human-readable text; must never contain a secret. */
  note: string;
}

/** Records events; an interface so tests can pass their own. */
export interface EventRecorder {
  record(regarding: ObjectReference, event: EventInput): Promise<void>;
}

/** Options of the API recorder. */
export interface ApiEventRecorderOptions {
  kube: KubeHttp;
  /** `reportingController`, e.g. `aepflows.io/mixpanel-dataflow-controller`. */
  controller: string;
  /** `reportingInstance`: this pod. */
  instance: string;
  seriesWindowMs?: number;
  maxTracked?: number;
  onError?: (err: unknown) => void;
  now?: () => number;
}

const MAX_NOTE = 1024;

interface Tracked {
  namespace: string;
  name: string;
  count: number;
  firstMs: number;
}

/** Writes Events through the API server. */
export class ApiEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Tracked>();
  private readonly now: () => number;

  constructor(private readonly opts: ApiEventRecorderOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Records one event (creates it, or bumps the series of a recent identical one). */
  async record(regarding: ObjectReference, event: EventInput): Promise<void> {
    const note = event.note.length > MAX_NOTE ? `${event.note.slice(0, MAX_NOTE - 1)}…` : event.note;
    const key = [
      regarding.uid ?? `${regarding.namespace}/${regarding.name}`,
      event.type,
      event.reason,
      event.action,
      note,
    ].join('\u0000');
    const now = this.now();
    try {
      const tracked = this.seen.get(key);
      if (tracked && now - tracked.firstMs < (this.opts.seriesWindowMs ?? 30 * 60_000)) {
        tracked.count++;
        const patched = await this.bump(tracked, now);
        if (patched) return;
      }
      await this.create(key, regarding, { ...event, note }, now);
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  private async bump(t: Tracked, now: number): Promise<boolean> {
    try {
      await this.opts.kube.request(
        'PATCH',
        `/apis/events.k8s.io/v1/namespaces/${t.namespace}/events/${t.name}`,
        {
          body: { series: { count: t.count, lastObservedTime: microTime(new Date(now)) } },
          contentType: PATCH_TYPES.merge,
        },
      );
      return true;
    } catch (err) {
      if (isStatus(err, 404)) return false; // expired (events have a TTL): start a new one
      throw err;
    }
  }

  private async create(
    key: string,
    regarding: ObjectReference,
    event: EventInput,
    now: number,
  ): Promise<void> {
    const name = `${regarding.name}.${now.toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
    await this.opts.kube.request('POST', `/apis/events.k8s.io/v1/namespaces/${regarding.namespace}/events`, {
      body: {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name, namespace: regarding.namespace },
        eventTime: microTime(new Date(now)),
        reportingController: this.opts.controller,
        reportingInstance: this.opts.instance.slice(0, 128),
        action: event.action,
        reason: event.reason,
        note: event.note,
        type: event.type,
        regarding,
      },
    });
    this.seen.delete(key);
    this.seen.set(key, { namespace: regarding.namespace, name, count: 1, firstMs: now });
    // Bounded memory: drop the oldest entries (Map keeps insertion order).
    const max = this.opts.maxTracked ?? 4096;
    while (this.seen.size > max) this.seen.delete(this.seen.keys().next().value as string);
  }
}
