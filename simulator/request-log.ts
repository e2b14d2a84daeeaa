/**
 * A bounded log of the platform requests the simulator received, for tests that attribute load to
 * the resources it was for (a soak's "no hot loop" check): method, path template, raw path and
 * query, sandbox, and the `name` of a JSON create body. Read it in order with a cursor
 * (`GET /__simulator/requests/log?after=<seq>`); the oldest entries are dropped past the bound.
 */

/** One logged request. */
export interface RequestLogEntry {
  /** 1, 2, 3, … in arrival order. */
  seq: number;
  /** Wall-clock epoch ms of arrival. */
  at: number;
  method: string;
  /** `METHOD`-less path template, or `<unmatched>`. */
  template: string;
  path: string;
  /** Raw query string, without `?`. */
  query: string;
  sandbox?: string;
  /** `name` of the JSON body, when the handler read one that has it. */
  name?: string;
}

/** Most entries kept (about 40 MB at the worst; a 10-minute soak of 100 dataflows logs ~30 000). */
export const REQUEST_LOG_LIMIT = 200_000;

/** Largest page `since` returns. */
export const REQUEST_LOG_PAGE = 10_000;

/** The log. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private next = 1;

  /** Appends an entry and returns it (so the body's name can be filled in later). */
  add(e: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const entry = { seq: this.next++, ...e };
    this.entries.push(entry);
    if (this.entries.length > REQUEST_LOG_LIMIT)
      this.entries.splice(0, this.entries.length - REQUEST_LOG_LIMIT);
    return entry;
  }

  /** Entries with seq > after, oldest first, at most `limit`; `dropped` counts entries lost to the bound. */
  since(
    after: number,
    limit = REQUEST_LOG_PAGE,
  ): { entries: RequestLogEntry[]; last: number; dropped: number } {
    const first = this.entries[0]?.seq ?? this.next;
    const start = Math.max(0, after + 1 - first);
    const entries = this.entries.slice(start, start + Math.min(limit, REQUEST_LOG_PAGE));
    return {
      entries,
      last: entries.at(-1)?.seq ?? Math.max(after, first - 1),
      dropped: Math.max(0, first - 1 - after),
    };
  }

  /** Forgets every entry (the sequence keeps counting). */
  reset(): void {
    this.entries = [];
  }
}
