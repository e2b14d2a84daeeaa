/**
 * Renders field errors the way the Kubernetes API server does (k8s.io/apimachinery field.Error
 * ErrorBody), so the local validator's messages equal what `kubectl apply` prints.
 */

/** One validation problem: the field path (e.g. `spec.schedule.interval`) and the message. */
export interface FieldError {
  field: string;
  message: string;
}

/** Value as Go's `%v`/`%q` prints it in field errors. */
export function goValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}

/** Name of a JSON value's type as kube-openapi reports it in type errors. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Builders for each field error type, named after their Go constructors. */
export const fieldErrors = {
  required: (field: string, detail = ''): FieldError => ({
    field,
    message: detail ? `Required value: ${detail}` : 'Required value',
  }),
  forbidden: (field: string, detail: string): FieldError => ({ field, message: `Forbidden: ${detail}` }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    field,
    message: `Invalid value: ${goValue(value)}: ${detail}`,
  }),
  notSupported: (field: string, value: unknown, allowed: readonly string[]): FieldError => ({
    field,
    message: `Unsupported value: ${goValue(value)}: supported values: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
  }),
  tooLong: (field: string, max: number): FieldError => ({
    field,
    message: `Too long: may not be more than ${max} bytes`,
  }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({
    field,
    message: `Too many: ${actual}: must have at most ${max} items`,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({
    field,
    message: `Duplicate value: ${goValue(value)}`,
  }),
  unknown: (field: string): FieldError => ({ field, message: `unknown field "${field}"` }),
};
