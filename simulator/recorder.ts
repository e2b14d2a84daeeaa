/** The request recorder: the form of every platform and IMS request (method, path, query, header
 * names, patch ops, body keys; never a header or body value, which may be secret). Kept in a bounded
 * ring for `/__simulator/recorder`, and handed to in-process subscribers (the contract check of the
 * test suite). */

/** One JSON Patch operation as sent (its value left out: it may hold a password). */
export interface RecordedPatchOp {
  op: unknown;
  path: unknown;
  hasValue: boolean;
}

/** One recorded request. */
export interface RecordedRequest {
  method: string;
  /** The path as sent, before any normalisation. */
  path: string;
  /** Query parameters in order, decoded. */
  query: [string, string][];
  /** Lowercase names of the headers sent. */
  headers: string[];
  userAgent?: string;
  /** True when the User-Agent is the project's client (see CLIENT_USER_AGENT_PREFIX). */
  client: boolean;
  /** PATCH bodies: the operations. */
  patch?: RecordedPatchOp[];
  /** JSON object bodies: the top-level keys. */
  bodyKeys?: string[];
  /** The answer's status. */
  status?: number;
}

/** User-Agent prefix of the project's Flow Service client (controller/flowservice/http.ts sends it). */
export const CLIENT_USER_AGENT_PREFIX = 'mixpanel-dataflow-controller/';

type Listener = (r: RecordedRequest) => void;
const listeners = new Set<Listener>();

/** Calls `fn` with every request any simulator in this process records; returns the unsubscribe. */
export function subscribeRequests(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The form of a body: patch ops or top-level keys. */
export function bodyForm(method: string, text: string): Pick<RecordedRequest, 'patch' | 'bodyKeys'> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (method === 'PATCH' && Array.isArray(parsed)) {
    return {
      patch: parsed.map((o) => {
        const op = typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : {};
        return { op: op['op'], path: op['path'], hasValue: 'value' in op };
      }),
    };
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
    return { bodyKeys: Object.keys(parsed) };
  return {};
}

/** One simulator's recorder: a bounded ring plus the process-wide subscribers. */
export class RequestRecorder {
  enabled = true;
  private ring: RecordedRequest[] = [];

  constructor(public limit = 10_000) {}

  /** Records one request (listeners are told even when the ring is disabled). */
  add(r: RecordedRequest): void {
    for (const fn of listeners) fn(r);
    if (!this.enabled) return;
    this.ring.push(r);
    if (this.ring.length > this.limit) this.ring.splice(0, this.ring.length - this.limit);
  }

  /** The recorded requests, oldest first; `clientOnly` keeps the project client's. */
  entries(clientOnly = false): RecordedRequest[] {
    return clientOnly ? this.ring.filter((r) => r.client) : [...this.ring];
  }

  /** Forgets the ring. */
  clear(): void {
    this.ring = [];
  }
}
