/** One error type for every Flow Service / Data Prep / Catalog / IMS failure, classified once. */

/**
 * What went wrong, classified once here from the HTTP status (design §4 "Errors, classified once").
 * The Adobe adapter (adobe/errors.ts) only says what each kind means for a reconcile, reading
 * `adobeShortCode` where Adobe's code says more than "rejected" (a transitional state, a feature
 * not enabled).
 */
export type FlowServiceErrorKind =
  | 'validation' // 400/422 (and other 4xx): Adobe rejected the request; `adobeShortCode` says why
  | 'unauthorized' // 401 after one token refresh, or IMS rejected the credentials
  | 'forbidden' // 403
  | 'not-found' // 404
  | 'precondition-failed' // 412: etag mismatch, re-observe and re-plan
  | 'rate-limited' // 429, retryAfterMs when the server sent Retry-After
  | 'server' // 5xx, 408
  | 'network' // connection refused/reset, socket closed, DNS
  | 'timeout' // our per-request timeout fired
  | 'aborted' // the caller's AbortSignal fired
  | 'invalid-response'; // a 2xx body that does not match the documented shape

/** Stable codes, one per kind, for logs, metrics labels and tests. */
export const FlowServiceErrorCode = {
  validation: 'FLOWSERVICE_VALIDATION',
  unauthorized: 'FLOWSERVICE_UNAUTHORIZED',
  forbidden: 'FLOWSERVICE_FORBIDDEN',
  'not-found': 'FLOWSERVICE_NOT_FOUND',
  'precondition-failed': 'FLOWSERVICE_PRECONDITION_FAILED',
  'rate-limited': 'FLOWSERVICE_RATE_LIMITED',
  server: 'FLOWSERVICE_SERVER',
  network: 'FLOWSERVICE_NETWORK',
  timeout: 'FLOWSERVICE_TIMEOUT',
  aborted: 'FLOWSERVICE_ABORTED',
  'invalid-response': 'FLOWSERVICE_INVALID_RESPONSE',
} as const satisfies Record<FlowServiceErrorKind, string>;

/** A stable code of FlowServiceErrorCode. */
export type FlowServiceErrorCodeValue = (typeof FlowServiceErrorCode)[FlowServiceErrorKind];

/** Message prefixes, one per kind (the Adobe message, when any, follows). */
export const FlowServiceErrorMessage = {
  validation: 'request rejected as invalid',
  unauthorized: 'credentials rejected',
  forbidden: 'access forbidden',
  'not-found': 'resource not found',
  'precondition-failed': 'etag does not match the current version',
  'rate-limited': 'rate limited',
  server: 'server error',
  network: 'network error',
  timeout: 'request timed out',
  aborted: 'request aborted by the caller',
  'invalid-response': 'response does not match the documented shape',
} as const satisfies Record<FlowServiceErrorKind, string>;

const RETRYABLE: ReadonlySet<FlowServiceErrorKind> = new Set([
  'rate-limited',
  'server',
  'network',
  'timeout',
]);

/** Everything known about one failure. Never holds request bodies, headers or tokens. */
export interface FlowServiceErrorDetails {
  kind: FlowServiceErrorKind;
  /** Client operation name, e.g. `flows.patch`. */
  operation: string;
  method?: string;
  status?: number;
  /** Adobe's error code as sent: `FLOW-1414-400`, `403010`, `invalid_client`. */
  adobeCode?: string;
  /** The numeric part of a Flow Service code (`1414` of `FLOW-1414-400`). */
  adobeShortCode?: string;
  adobeMessage?: string;
  requestId?: string;
  /** From Retry-After on 429/503. */
  retryAfterMs?: number;
  /** True when the request surely never reached the server (connect failed). */
  notSent?: boolean;
  /** Extra context for the message (a socket error code, a schema path); never a secret. */
  detail?: string;
  cause?: unknown;
}

const BRAND = Symbol.for('mixpanel-dataflow.FlowServiceError');

/** The one error class of this module: switch on `kind`, log `code`. */
export class FlowServiceError extends Error {
  override readonly name = 'FlowServiceError';
  readonly kind: FlowServiceErrorKind;
  readonly code: FlowServiceErrorCodeValue;
  readonly operation: string;
  readonly method: string | undefined;
  readonly status: number | undefined;
  readonly adobeCode: string | undefined;
  readonly adobeShortCode: string | undefined;
  readonly adobeMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly notSent: boolean;
  readonly [BRAND] = true;

  constructor(details: FlowServiceErrorDetails) {
    super(formatMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.code = FlowServiceErrorCode[details.kind];
    this.operation = details.operation;
    this.method = details.method;
    this.status = details.status;
    this.adobeCode = details.adobeCode;
    this.adobeShortCode = details.adobeShortCode;
    this.adobeMessage = details.adobeMessage;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.notSent = details.notSent ?? false;
  }

  /** Whether waiting and trying again can help (5xx, network, timeout, 429). */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  /** Works across duplicate copies of this module (undici's Symbol.for trick). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && BRAND in value;
  }
}

/** True for any FlowServiceError. */
export function isFlowServiceError(value: unknown): value is FlowServiceError {
  return value instanceof FlowServiceError;
}

/** True for a FlowServiceError of the given kind. */
export function isFlowServiceErrorKind(
  value: unknown,
  kind: FlowServiceErrorKind,
): value is FlowServiceError {
  return isFlowServiceError(value) && value.kind === kind;
}

function formatMessage(d: FlowServiceErrorDetails): string {
  let message = `${d.operation}: ${FlowServiceErrorMessage[d.kind]}`;
  const where = [d.status === undefined ? undefined : `HTTP ${d.status}`, d.adobeCode].filter(Boolean);
  if (where.length > 0) message += ` (${where.join(' ')})`;
  if (d.adobeMessage) message += `: ${d.adobeMessage}`;
  if (d.detail) message += ` (${d.detail})`;
  if (d.requestId) message += ` [request ${d.requestId}]`;
  return message;
}

/** Maps an HTTP status to a kind. Undocumented 4xx are terminal (validation). */
export function kindForStatus(status: number): FlowServiceErrorKind {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 412:
      return 'precondition-failed';
    case 429:
      return 'rate-limited';
    case 408:
      return 'server';
    default:
      return status >= 500 ? 'server' : 'validation';
  }
}

/** Adobe's code, message and request id read out of any of its error body shapes. */
export interface AdobeErrorBody {
  adobeCode?: string;
  adobeShortCode?: string;
  adobeMessage?: string;
  requestId?: string;
}

const MAX_MESSAGE_CHARS = 500;

/**
 * Reads the three documented error shapes: Flow Service `{type, title, status, report{detailed-
 * message, request-id}, errorMessage}` (and the bare `{errorMessage}` / RFC 7807 `{title, detail}`
 * variants), gateway `{error_code, message}`, and OAuth `{error, error_description}` from IMS.
 */
export function parseAdobeErrorBody(text: string): AdobeErrorBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  const report = isRecord(b.report) ? b.report : {};
  const out: AdobeErrorBody = {};

  const typeCode = str(b.type)?.match(/([A-Z]+-(\d+)-\d{3})\s*$/);
  const code = typeCode?.[1] ?? str(b.error_code) ?? str(b.code) ?? str(b.error);
  if (code) out.adobeCode = code;
  const short = typeCode?.[2] ?? code?.match(/^[A-Z]+-(\d+)-\d{3}$/)?.[1];
  if (short) out.adobeShortCode = short;

  const message =
    str(b.errorMessage) ??
    str(report['detailed-message']) ??
    str(b.detail) ??
    str(b.message) ??
    str(b.error_description) ??
    str(b.title);
  if (message) out.adobeMessage = message.slice(0, MAX_MESSAGE_CHARS);

  const requestId = str(report['request-id']) ?? str(b.requestId) ?? str(b['request-id']);
  if (requestId) out.requestId = requestId;
  return out;
}

/** Retry-After is either delta-seconds or an HTTP date; returns milliseconds from now. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
