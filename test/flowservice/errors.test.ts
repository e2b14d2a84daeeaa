import { describe, expect, it } from '@jest/globals';
import {
  FlowServiceError,
  FlowServiceErrorCode,
  isFlowServiceErrorKind,
  kindForStatus,
  parseAdobeErrorBody,
  parseRetryAfterMs,
} from '../../controller/flowservice/errors.js';
import { REDACTED, redactValues } from '../../controller/util/redact.js';

describe('error classification', () => {
  it.each([
    { status: 400, kind: 'validation', retryable: false },
    { status: 422, kind: 'validation', retryable: false },
    { status: 401, kind: 'unauthorized', retryable: false },
    { status: 403, kind: 'forbidden', retryable: false },
    { status: 404, kind: 'not-found', retryable: false },
    { status: 412, kind: 'precondition-failed', retryable: false },
    { status: 429, kind: 'rate-limited', retryable: true },
    { status: 500, kind: 'server', retryable: true },
    { status: 502, kind: 'server', retryable: true },
    { status: 503, kind: 'server', retryable: true },
    { status: 504, kind: 'server', retryable: true },
    { status: 409, kind: 'validation', retryable: false },
  ] as const)('classifies HTTP $status as $kind', ({ status, kind, retryable }) => {
    const e = new FlowServiceError({ kind: kindForStatus(status), operation: 'x', status });
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(FlowServiceErrorCode[kind]);
    expect(e.retryable).toBe(retryable);
  });

  it('is recognised by instanceof and by kind guards', () => {
    const e = new FlowServiceError({ kind: 'not-found', operation: 'flows.get', status: 404 });
    expect(e).toBeInstanceOf(FlowServiceError);
    expect(e).toBeInstanceOf(Error);
    expect(isFlowServiceErrorKind(e, 'not-found')).toBe(true);
    expect(isFlowServiceErrorKind(e, 'server')).toBe(false);
    expect(isFlowServiceErrorKind(new Error('x'), 'not-found')).toBe(false);
  });

  it('names the operation, status, Adobe code, message and request id in its message', () => {
    const e = new FlowServiceError({
      kind: 'validation',
      operation: 'connections.patch',
      status: 400,
      adobeCode: 'FLOW-1414-400',
      adobeMessage: 'Connection spec cannot be changed',
      requestId: 'req-1',
    });
    expect(e.message).toBe(
      'connections.patch: request rejected as invalid (HTTP 400 FLOW-1414-400): Connection spec cannot be changed [request req-1]',
    );
  });
});

describe('Adobe error bodies', () => {
  it('reads the Flow Service shape: code from type, message, request id from report', () => {
    const body = JSON.stringify({
      type: 'https://ns.adobe.com/aep/errors/FLOW-1439-404',
      title: 'Resource not found',
      status: 404,
      report: { 'detailed-message': 'Flow abc not found', id: 'abc', 'request-id': 'r-42', type: 'flows' },
      errorMessage: 'Resource with id abc not found',
    });
    expect(parseAdobeErrorBody(body)).toEqual({
      adobeCode: 'FLOW-1439-404',
      adobeShortCode: '1439',
      adobeMessage: 'Resource with id abc not found',
      requestId: 'r-42',
    });
  });

  it('falls back to report.detailed-message, then title, when errorMessage is absent', () => {
    const body = { type: '/x/FLOW-1414-400', title: 'Bad', report: { 'detailed-message': 'spec immutable' } };
    expect(parseAdobeErrorBody(JSON.stringify(body)).adobeMessage).toBe('spec immutable');
    expect(parseAdobeErrorBody(JSON.stringify({ title: 'BadRequestError' })).adobeMessage).toBe(
      'BadRequestError',
    );
  });

  it('reads the gateway shape {error_code, message}', () => {
    expect(parseAdobeErrorBody('{"error_code":"401013","message":"Oauth token is not valid"}')).toEqual({
      adobeCode: '401013',
      adobeMessage: 'Oauth token is not valid',
    });
  });

  it('reads the OAuth shape {error, error_description} from IMS', () => {
    expect(
      parseAdobeErrorBody('{"error":"invalid_client","error_description":"invalid client_secret"}'),
    ).toEqual({
      adobeCode: 'invalid_client',
      adobeMessage: 'invalid client_secret',
    });
  });

  it('reads the RFC 7807 content-type error', () => {
    const body =
      '{"type":"/placeholder/type/uri","status":400,"title":"BadRequestError","detail":"A valid content-type must be specified"}';
    expect(parseAdobeErrorBody(body).adobeMessage).toBe('A valid content-type must be specified');
  });

  it('returns nothing for a body that is not JSON', () => {
    expect(parseAdobeErrorBody('<html>Bad Gateway</html>')).toEqual({});
    expect(parseAdobeErrorBody('')).toEqual({});
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfterMs('2')).toBe(2000);
    expect(parseRetryAfterMs('0.5')).toBe(500);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
  });

  it('ignores an absent or unreadable value', () => {
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs('soon')).toBeUndefined();
  });
});

describe('secret redaction', () => {
  it('replaces every occurrence of every secret', () => {
    expect(redactValues('bad password hunter2hunter2 (hunter2hunter2)', ['hunter2hunter2'])).toBe(
      `bad password ${REDACTED} (${REDACTED})`,
    );
  });

  it('leaves values too short to be secrets alone', () => {
    expect(redactValues('a b c', ['a', 'b'])).toBe('a b c');
  });
});
