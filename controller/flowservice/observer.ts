/** Metrics hooks of the client: an interface, a no-op and a function adapter. */
import type { FlowServiceErrorCodeValue } from './errors.js';

/** One HTTP attempt finished (with a status) or failed (with a code). */
export interface RequestEvent {
  operation: string;
  method: string;
  /** HTTP status when a response arrived. */
  status?: number;
  /** Error code when the attempt failed (also set on non-2xx responses). */
  code?: FlowServiceErrorCodeValue;
  durationMs: number;
  /** 0 for the first attempt. */
  attempt: number;
}

/** A request waited before being sent: for the org's token bucket, or for Retry-After/backoff. */
export interface ThrottledEvent {
  operation: string;
  reason: 'rate-limit' | 'retry-after' | 'backoff';
  waitMs: number;
}

/** One IMS token request finished. */
export interface TokenRefreshEvent {
  result: 'success' | 'failure';
  durationMs: number;
  code?: FlowServiceErrorCodeValue;
}

/** Metrics hooks; implementations must not throw and must return quickly. */
export interface FlowServiceObserver {
  onRequest(event: RequestEvent): void;
  onThrottled(event: ThrottledEvent): void;
  onTokenRefresh(event: TokenRefreshEvent): void;
}

/** An observer that ignores everything (the default). */
export const noopFlowServiceObserver: FlowServiceObserver = Object.freeze({
  onRequest: () => {},
  onThrottled: () => {},
  onTokenRefresh: () => {},
});

/** Builds an observer from any subset of the hooks. */
export function flowServiceObserverFns(fns: Partial<FlowServiceObserver>): FlowServiceObserver {
  return {
    onRequest: fns.onRequest ?? noopFlowServiceObserver.onRequest,
    onThrottled: fns.onThrottled ?? noopFlowServiceObserver.onThrottled,
    onTokenRefresh: fns.onTokenRefresh ?? noopFlowServiceObserver.onTokenRefresh,
  };
}

/** Wraps an observer so that a throwing hook never breaks a request. */
export function safeObserver(observer: FlowServiceObserver): FlowServiceObserver {
  const guard =
    <E>(fn: (e: E) => void) =>
    (e: E): void => {
      try {
        fn.call(observer, e);
      } catch {
        // Metrics must never fail a request.
      }
    };
  return {
    onRequest: guard(observer.onRequest),
    onThrottled: guard(observer.onThrottled),
    onTokenRefresh: guard(observer.onTokenRefresh),
  };
}
