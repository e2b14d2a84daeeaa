/**
 * Flow Service client metrics, fed by the client's observer hooks. Labels carry only bounded
 * values: operation names are fixed in the client, codes are HTTP statuses or error kinds.
 */
import { Counter, Histogram, type Metric } from 'prom-client';
import type { FlowServiceObserver, RequestEvent } from '../flowservice/index.js';

/** Buckets of flowservice_request_duration_seconds (Adobe answers in tens of ms to seconds). */
export const FLOWSERVICE_DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Reasons of flowservice_throttled_total (the client's ThrottledEvent reasons). */
export const THROTTLE_REASONS = ['rate-limit', 'retry-after', 'backoff'] as const;

/** The Flow Service metrics and the observer that feeds them. */
export interface FlowServiceMetrics {
  observer: FlowServiceObserver;
  metrics: Metric[];
}

/** `code` label: the HTTP status, or the error kind when no response arrived (`network`, `timeout`). */
export function requestCode(e: Pick<RequestEvent, 'status' | 'code'>): string {
  if (e.status !== undefined) return String(e.status);
  return e.code ? e.code.replace(/^FLOWSERVICE_/, '').toLowerCase() : 'unknown';
}

/** Creates the metrics (unregistered: the caller registers `metrics`). */
export function createFlowServiceMetrics(): FlowServiceMetrics {
  const registers: never[] = [];
  const requests = new Counter({
    name: 'flowservice_requests_total',
    help: 'HTTP requests to Adobe Flow Service, Data Prep, Catalog and Schema Registry (each attempt), by operation, method and status code',
    labelNames: ['operation', 'method', 'code'],
    registers,
  });
  const duration = new Histogram({
    name: 'flowservice_request_duration_seconds',
    help: 'Duration of HTTP requests to the Adobe platform APIs (each attempt)',
    labelNames: ['operation', 'method'],
    buckets: FLOWSERVICE_DURATION_BUCKETS,
    registers,
  });
  const throttled = new Counter({
    name: 'flowservice_throttled_total',
    help: 'Requests that waited before being sent: rate-limit (the org-wide request budget), retry-after (Adobe answered 429) or backoff (retry after an error)',
    labelNames: ['reason'],
    registers,
  });
  const throttledSeconds = new Counter({
    name: 'flowservice_throttled_wait_seconds_total',
    help: 'Seconds requests spent waiting before being sent, by reason',
    labelNames: ['reason'],
    registers,
  });
  const tokens = new Counter({
    name: 'flowservice_token_refreshes_total',
    help: 'IMS access token requests, by result',
    labelNames: ['result'],
    registers,
  });
  for (const reason of THROTTLE_REASONS) {
    throttled.inc({ reason }, 0);
    throttledSeconds.inc({ reason }, 0);
  }
  for (const result of ['success', 'failure']) tokens.inc({ result }, 0);

  return {
    metrics: [requests, duration, throttled, throttledSeconds, tokens],
    observer: {
      onRequest: (e) => {
        requests.inc({ operation: e.operation, method: e.method, code: requestCode(e) });
        duration.observe({ operation: e.operation, method: e.method }, e.durationMs / 1000);
      },
      onThrottled: (e) => {
        throttled.inc({ reason: e.reason });
        throttledSeconds.inc({ reason: e.reason }, Math.max(0, e.waitMs) / 1000);
      },
      onTokenRefresh: (e) => tokens.inc({ result: e.result }),
    },
  };
}
