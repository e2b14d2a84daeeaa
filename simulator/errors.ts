/** Adobe error bodies and codes, as documented in the Flow Service error catalog and troubleshooting guide. */

/** Flow Service catalog codes used by the simulator (EN help/sources/errors/flow-service-errors.md). */
export const FLOW_CODES = {
  NOT_ENTITLED_OR_PROVIDER: { code: '1100', title: 'Invalid request' },
  NOT_FOUND: { code: '1101', title: 'Resource not found' },
  INTERNAL: { code: '1102', title: 'Internal Error' },
  UNAVAILABLE: { code: '1103', title: 'Service Unavailable' },
  GATEWAY_TIMEOUT: { code: '1104', title: 'Gateway Timeout' },
  LIMIT_AND_COUNT: { code: '1401', title: 'Invalid request' },
  IF_MATCH_MISSING: { code: '1403', title: 'Header is missing' },
  VERSION_MISMATCH: { code: '1404', title: 'Version not matching' },
  EMPTY_BODY: { code: '1405', title: 'Invalid request' },
  STATE_IN_CREATE: { code: '1410', title: 'Invalid request' },
  INVALID_MAPPING_VERSION: { code: '1412', title: 'Invalid request' },
  INVALID_SPEC: { code: '1413', title: 'Invalid request' },
  IMMUTABLE_FIELD: { code: '1414', title: 'Invalid request' },
  AUTH_SPEC_NOT_FOUND: { code: '1415', title: 'Invalid request' },
  BASE_CONNECTION_IN_USE: { code: '1418', title: 'Invalid request' },
  MAPPING_INVALID: { code: '1419', title: 'Invalid request' },
  CONNECTION_STATE: { code: '1416', title: 'Invalid request' },
  STATE_NOT_UPDATABLE: { code: '1420', title: 'Invalid request' },
  STATE_NOT_TRANSITIONABLE: { code: '1421', title: 'Invalid request' },
  INVALID_ACTION: { code: '1422', title: 'Invalid request' },
  SCHEMA_MISMATCH: { code: '1425', title: 'Invalid request' },
  FLOW_NOT_FOUND: { code: '1430', title: 'Invalid request' },
  SORT_ORDER: { code: '1432', title: 'Invalid request' },
  SORT_FIELD: { code: '1433', title: 'Invalid request' },
  UNSUPPORTED_PATCH_OP: { code: '1434', title: 'Invalid request' },
  UNSUPPORTED_SUB_OP: { code: '1436', title: 'Invalid request' },
  RESOURCE_NOT_FOUND: { code: '1439', title: 'Resource not found' },
  MULTI_VALUE_OPERATOR: { code: '1443', title: 'Invalid request' },
  FLOW_NOT_IN_STATE: { code: '1444', title: 'Invalid request' },
  PATCH_NOT_ENABLED: { code: '1445', title: 'Invalid request' },
  FLOW_ID_EMPTY: { code: '1446', title: 'Invalid request' },
  ACTIVE_FLOWS: { code: '1447', title: 'Invalid request' },
  OPERATOR_NOT_SUPPORTED: { code: '1448', title: 'Invalid request' },
  INVALID_FILTER_FIELD: { code: '1449', title: 'Invalid request' },
  INVALID_OPERATOR: { code: '1450', title: 'Invalid request' },
  INVALID_PARAMS: { code: '1451', title: 'Invalid request' },
  INVALID_FILTER_VALUE: { code: '1452', title: 'Invalid request' },
  INVALID_QUERY_VALUE: { code: '1453', title: 'Invalid request' },
  PATCH_MISSING_FIELD: { code: '1455', title: 'Invalid request' },
  INVALID_STATE_VALUE: { code: '1456', title: 'Invalid request' },
  UPDATE_WHILE_DELETING: { code: '1457', title: 'Invalid request' },
  DELETE_WHILE_DELETING: { code: '1458', title: 'Invalid request' },
  // Codes 1459-1462 are NOT in Adobe's catalog: the simulator chose them for documented rules whose
  // error code Adobe does not publish (see README "Simulator").
  SPEC_VALIDATION: { code: '1459', title: 'Invalid request' },
  DATASET_NOT_FOUND: { code: '1460', title: 'Invalid request' },
  SCHEMA_NOT_FOUND: { code: '1461', title: 'Invalid request' },
  START_TIME_PASSED: { code: '1462', title: 'Invalid request' },
  ORG_NOT_ACCESSIBLE: { code: '2000', title: 'Invalid authorization token' },
  SANDBOX_NOT_FOUND: { code: '2100', title: 'Sandbox not found' },
  SANDBOX_MISSING: { code: '2105', title: 'Header is missing' },
} as const;

/** One entry of FLOW_CODES. */
export type FlowCode = (typeof FLOW_CODES)[keyof typeof FLOW_CODES];

/** Gateway (Adobe I/O) errors, shape `{error_code, message}` (EN help/landing/troubleshooting.md). */
export const GATEWAY_ERRORS = {
  TOKEN_MISSING: { status: 403, error_code: '403010', message: 'Oauth token is missing.' },
  TOKEN_INVALID: { status: 401, error_code: '401013', message: 'Oauth token is not valid' },
  API_KEY_MISSING: { status: 403, error_code: '403000', message: 'Api Key is required' },
  API_KEY_INVALID: { status: 403, error_code: '403003', message: 'Api Key is invalid' },
  ORG_MISSING: { status: 400, error_code: '400003', message: 'Missing header' },
  NOT_ENTITLED: { status: 403, error_code: '403025', message: 'Profile is not valid' },
  TOO_MANY_REQUESTS: { status: 429, error_code: '429050', message: 'Too many requests' },
} as const;

/** A gateway error entry. */
export type GatewayError = (typeof GATEWAY_ERRORS)[keyof typeof GATEWAY_ERRORS];

/** Error prefix per service in the `type` URI (`FLOW` is documented; the others are the simulator's choice). */
export type ServicePrefix = 'FLOW' | 'MAPPER' | 'CAT' | 'XDM';

/** An error a handler throws; the server turns it into Adobe's body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body['title'] === 'string' ? body['title'] : `HTTP ${status}`);
  }
}

/** Builds a Flow-Service-style error: `{type, title, status, report:{detailed-message,…}, errorMessage}`. */
export function serviceError(
  prefix: ServicePrefix,
  status: number,
  code: FlowCode | { code: string; title: string },
  message: string,
  extra: { details?: unknown; report?: Record<string, unknown> } = {},
): ApiError {
  const body: Record<string, unknown> = {
    type: `https://ns.adobe.com/aep/errors/${prefix}-${code.code}-${status}`,
    title: code.title,
    status,
    report: { 'detailed-message': message, ...extra.report },
    errorMessage: message,
  };
  if (extra.details !== undefined) body['errorDetails'] = extra.details;
  return new ApiError(status, body);
}

/** Flow Service error with a catalog code. */
export function flowError(
  status: number,
  code: FlowCode,
  message: string,
  extra?: { details?: unknown; report?: Record<string, unknown> },
): ApiError {
  return serviceError('FLOW', status, code, message, extra);
}

/** Gateway error `{error_code, message}`. */
export function gatewayError(e: GatewayError, headers: Record<string, string> = {}): ApiError {
  return new ApiError(e.status, { error_code: e.error_code, message: e.message }, headers);
}

/** The documented content-type error (EN troubleshooting.md), RFC-7807-like. */
export function contentTypeError(): ApiError {
  return new ApiError(400, {
    type: '/placeholder/type/uri',
    status: 400,
    title: 'BadRequestError',
    detail: 'A valid content-type must be specified',
  });
}

/** Schema Registry style error (EN xdm troubleshooting shape `{type,status,title,detail}`). */
export function xdmError(status: number, title: string, detail: string): ApiError {
  return new ApiError(status, { type: '/placeholder/type/uri', status, title, detail });
}

/** OAuth2 token endpoint error (IMS error body is not documented; RFC 6749 §5.2 shape). */
export function oauthError(status: number, error: string, description: string): ApiError {
  return new ApiError(status, { error, error_description: description });
}
