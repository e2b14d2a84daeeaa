/**
 * OpenAPI schema checks (types, required, enum, pattern, bounds, formats, list-map keys) applied
 * the way kube-apiserver applies a structural schema, with its message texts.
 */
import { type FieldError, fieldErrors, jsonTypeName } from './go-format.js';
import type { SchemaNode } from './schema-types.js';

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** RFC 3339 date-time as kube-openapi's strfmt accepts it (date, 'T', time, optional fraction, zone). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function isDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days && h <= 23 && mi <= 59 && se <= 60;
}

function typeMatches(node: SchemaNode, value: unknown): boolean {
  switch (node.type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
  }
}

/** Walks a value against its schema node, appending errors; `path` is the node's field path. */
export class SchemaChecker {
  readonly errors: FieldError[] = [];
  /**
   * Set by the error types the API server treats as blocking CEL evaluation (strategy.go
   * hasBlockingErr: required, enum, too long, too many, wrong type).
   */
  celBlocked = false;

  /** Checks `value` at `path`; `old` (the correlated previous value) ratchets unchanged subtrees. */
  check(node: SchemaNode, value: unknown, path: string, old?: unknown): void {
    if (old !== undefined && jsonEqual(value, old)) return; // validation ratcheting: unchanged is accepted
    if (!typeMatches(node, value)) {
      const actual = jsonTypeName(value);
      this.block(
        fieldErrors.invalid(path, actual, `${path} in body must be of type ${node.type}: "${actual}"`),
      );
      return;
    }
    if (node.type === 'object') this.checkObject(node, value as Record<string, unknown>, path, old);
    else if (node.type === 'array') this.checkArray(node, value as unknown[], path, old);
    else if (node.type === 'string') this.checkString(node, value as string, path);
    else if (node.type === 'integer' || node.type === 'number') this.checkNumber(node, value as number, path);
  }

  private block(error: FieldError): void {
    this.celBlocked = true;
    this.errors.push(error);
  }

  private checkObject(node: SchemaNode, value: Record<string, unknown>, path: string, old: unknown): void {
    const props = node.properties ?? {};
    for (const key of node.required ?? []) {
      if (value[key] === undefined) this.block(fieldErrors.required(`${path}.${key}`));
    }
    for (const [key, child] of Object.entries(value)) {
      const childNode = props[key];
      if (!childNode || child === undefined) continue; // pruned by the API server
      this.check(childNode, child, `${path}.${key}`, isObject(old) ? old[key] : undefined);
    }
  }

  private checkArray(node: SchemaNode, value: unknown[], path: string, old: unknown): void {
    if (node.maxItems !== undefined && value.length > node.maxItems) {
      this.block(fieldErrors.tooMany(path, value.length, node.maxItems));
    }
    if (node.minItems !== undefined && value.length < node.minItems) {
      this.errors.push(
        fieldErrors.invalid(
          path,
          value.length,
          `${path} in body should have at least ${node.minItems} items`,
        ),
      );
    }
    const keys = node['x-kubernetes-list-map-keys'];
    const items = node.items;
    if (!items) return;
    const oldList = Array.isArray(old) ? old : [];
    value.forEach((item, i) => {
      const oldItem = keys ? oldList.find((o) => sameKeys(keys, o, item)) : undefined;
      this.check(items, item, `${path}[${i}]`, oldItem);
    });
    if (node['x-kubernetes-list-type'] === 'map' && keys) {
      value.forEach((item, i) => {
        if (!isObject(item) || value.slice(0, i).every((prev) => !sameKeys(keys, prev, item))) return;
        this.errors.push(
          fieldErrors.duplicate(`${path}[${i}]`, Object.fromEntries(keys.map((k) => [k, item[k]]))),
        );
      });
    }
  }

  private checkString(node: SchemaNode, value: string, path: string): void {
    // Like kube-openapi's string validator: maxLength, minLength, pattern; only the first failure counts.
    const length = [...value].length;
    if (node.maxLength !== undefined && length > node.maxLength) {
      this.block(fieldErrors.tooLong(path, node.maxLength));
    } else if (node.minLength !== undefined && length < node.minLength) {
      this.errors.push(
        fieldErrors.invalid(path, value, `${path} in body should be at least ${node.minLength} chars long`),
      );
    } else if (node.pattern !== undefined && !new RegExp(node.pattern, 'u').test(value)) {
      this.errors.push(fieldErrors.invalid(path, value, `${path} in body should match '${node.pattern}'`));
    }
    if (node.enum !== undefined && !node.enum.includes(value)) {
      this.block(fieldErrors.notSupported(path, value, node.enum));
    }
    if (node.format === 'date-time' && !isDateTime(value)) {
      // kube-openapi reports a bad format as a type error, which also blocks CEL evaluation.
      this.block(fieldErrors.invalid(path, value, `${path} in body must be of type date-time: "${value}"`));
    }
  }

  private checkNumber(node: SchemaNode, value: number, path: string): void {
    if (node.minimum !== undefined && value < node.minimum) {
      this.errors.push(
        fieldErrors.invalid(
          path,
          value,
          `${path} in body should be greater than or equal to ${node.minimum}`,
        ),
      );
    }
    if (node.maximum !== undefined && value > node.maximum) {
      this.errors.push(
        fieldErrors.invalid(path, value, `${path} in body should be less than or equal to ${node.maximum}`),
      );
    }
  }
}

/** True when two list-map items have equal values for every key. */
export function sameKeys(keys: string[], a: unknown, b: unknown): boolean {
  return isObject(a) && isObject(b) && keys.every((k) => jsonEqual(a[k], b[k]));
}

/**
 * Fields the schema does not declare, as the API server's pruning finds them. With strict field
 * validation (kubectl's default) the request fails on these alone, before any schema check.
 */
export function unknownFields(node: SchemaNode, value: unknown, path: string): FieldError[] {
  if (Array.isArray(value)) {
    const items = node.items;
    if (node.type !== 'array' || !items) return [];
    return value.flatMap((v, i) => unknownFields(items, v, `${path}[${i}]`));
  }
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childNode = node.type === 'object' ? node.properties?.[key] : undefined;
    return childNode
      ? unknownFields(childNode, child, `${path}.${key}`)
      : [fieldErrors.unknown(`${path}.${key}`)];
  });
}
