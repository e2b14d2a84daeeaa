/**
 * Evaluates the schema's `x-kubernetes-validations` CEL rules in TypeScript (@marcbachmann/cel-js),
 * with the API server's binding of `self`/`oldSelf`, transition-rule and error-reporting semantics.
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { type FieldError, fieldErrors } from './go-format.js';
import type { SchemaNode, ValidationRule } from './schema-types.js';
import { isObject, jsonEqual, sameKeys } from './validate-schema.js';

const env = new Environment().registerVariable('self', 'dyn').registerVariable('oldSelf', 'dyn');
const compiled = new Map<string, ParseResult>();

function compile(rule: string): ParseResult {
  let fn = compiled.get(rule);
  if (!fn) {
    fn = env.parse(rule);
    compiled.set(rule, fn);
  }
  return fn;
}

/** True for a transition rule: it reads `oldSelf`, so it only runs on update when an old value exists. */
export function isTransitionRule(rule: ValidationRule): boolean {
  return /\boldSelf\b/.test(rule.rule);
}

/** The value as CEL sees it: pruned to declared fields, integers as int (bigint). */
export function toCelValue(node: SchemaNode, value: unknown): unknown {
  if (node.type === 'integer' && typeof value === 'number') return BigInt(value);
  if (node.type === 'array' && Array.isArray(value) && node.items) {
    const items = node.items;
    return value.map((v) => toCelValue(items, v));
  }
  if (node.type === 'object' && isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(node.properties ?? {})) {
      if (value[k] !== undefined && value[k] !== null) out[k] = toCelValue(child, value[k]);
    }
    return out;
  }
  return value;
}

function ruleError(rule: ValidationRule, node: SchemaNode, path: string): FieldError {
  const field = rule.fieldPath ? `${path}${rule.fieldPath}` : path;
  switch (rule.reason) {
    case 'FieldValueRequired':
      return fieldErrors.required(field, rule.message);
    case 'FieldValueForbidden':
      return fieldErrors.forbidden(field, rule.message);
    case 'FieldValueDuplicate':
      return fieldErrors.duplicate(field, node.type);
    default:
      return fieldErrors.invalid(field, node.type, rule.message);
  }
}

/** Evaluates every rule under `node` for `value` (and its correlated `old` value on update). */
export function checkRules(node: SchemaNode, value: unknown, path: string, old?: unknown): FieldError[] {
  if (value === undefined || value === null) return [];
  if (old !== undefined && jsonEqual(value, old)) return []; // ratcheting: unchanged values pass
  const errors: FieldError[] = [];
  for (const rule of node['x-kubernetes-validations'] ?? []) {
    const transition = isTransitionRule(rule);
    if (transition && old === undefined) continue;
    const ctx = transition
      ? { self: toCelValue(node, value), oldSelf: toCelValue(node, old) }
      : { self: toCelValue(node, value) };
    let ok: unknown;
    try {
      ok = compile(rule.rule)(ctx);
    } catch (err) {
      errors.push(fieldErrors.invalid(path, node.type, `${rule.rule}: ${(err as Error).message}`));
      continue;
    }
    if (ok !== true) errors.push(ruleError(rule, node, path));
  }
  if (node.type === 'object' && isObject(value)) {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      errors.push(...checkRules(child, value[key], `${path}.${key}`, isObject(old) ? old[key] : undefined));
    }
  } else if (node.type === 'array' && Array.isArray(value) && node.items) {
    const items = node.items;
    const keys = node['x-kubernetes-list-map-keys'];
    const oldList = Array.isArray(old) ? old : [];
    value.forEach((item, i) => {
      // Only list-type map items correlate with an old item (by key); atomic lists have no oldSelf.
      const oldItem = keys ? oldList.find((o) => sameKeys(keys, o, item)) : undefined;
      errors.push(...checkRules(items, item, `${path}[${i}]`, oldItem));
    });
  }
  return errors;
}
