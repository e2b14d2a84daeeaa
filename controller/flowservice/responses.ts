/** Turns raw responses into typed data or typed errors. */
import type { z } from 'zod';
import { FlowServiceError, kindForStatus, parseAdobeErrorBody, parseRetryAfterMs } from './errors.js';
import { redactValues } from '../util/redact.js';
import type { RawResponse } from './transport.js';

/** Builds the typed error for a non-2xx response; scrubs `secrets` out of Adobe's message. */
export function errorFromResponse(
  operation: string,
  method: string,
  res: RawResponse,
  secrets: readonly string[],
): FlowServiceError {
  const body = parseAdobeErrorBody(res.text);
  const requestId = header(res, 'x-request-id') ?? body.requestId;
  const retryAfterMs = parseRetryAfterMs(header(res, 'retry-after'));
  return new FlowServiceError({
    kind: kindForStatus(res.status),
    operation,
    method,
    status: res.status,
    ...(body.adobeCode ? { adobeCode: body.adobeCode } : {}),
    ...(body.adobeShortCode ? { adobeShortCode: body.adobeShortCode } : {}),
    ...(body.adobeMessage ? { adobeMessage: redactValues(body.adobeMessage, secrets) } : {}),
    ...(requestId ? { requestId } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** Parses a 2xx body with the request's schema; a mismatch is an `invalid-response` error. */
export function parseBody(
  req: { operation: string; method: string; schema: z.ZodType | null },
  res: RawResponse,
): unknown {
  if (req.schema === null) return undefined;
  let json: unknown;
  try {
    json = res.text === '' ? undefined : JSON.parse(res.text);
  } catch (cause) {
    throw new FlowServiceError({
      kind: 'invalid-response',
      operation: req.operation,
      method: req.method,
      status: res.status,
      detail: 'body is not JSON',
      cause,
    });
  }
  const parsed = req.schema.safeParse(json);
  if (parsed.success) return parsed.data;
  // Name the failing paths only: values could be anything, secrets included.
  const paths = leafIssues(parsed.error.issues, [])
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.code}`);
  throw new FlowServiceError({
    kind: 'invalid-response',
    operation: req.operation,
    method: req.method,
    status: res.status,
    detail: paths.join('; '),
  });
}

type Issue = { code: string; path: PropertyKey[]; errors?: Issue[][] };

// Union failures nest one issue list per branch; report the leaves with their full paths.
function leafIssues(
  issues: readonly Issue[],
  prefix: PropertyKey[],
): { code: string; path: PropertyKey[] }[] {
  return issues.flatMap((i) =>
    i.code === 'invalid_union' && i.errors && i.errors.length > 0
      ? i.errors.flatMap((branch) => leafIssues(branch, [...prefix, ...i.path]))
      : [{ code: i.code, path: [...prefix, ...i.path] }],
  );
}

function header(res: RawResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
