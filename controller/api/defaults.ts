/** Schema defaults, applied the way the API server applies them on every write and read. */
import { mixpanelDataflowSchema } from './crd.js';
import type { SchemaNode } from './schema-types.js';
import { isObject } from './validate-schema.js';

/** The CRD's defaults for spec fields (a test checks these equal the schema's `default:` values). */
export const SPEC_DEFAULTS = { enabled: true, deletionPolicy: 'Delete' } as const;

function fill(node: SchemaNode, value: unknown): unknown {
  if (node.type === 'array' && Array.isArray(value) && node.items) {
    const items = node.items;
    return value.map((v) => fill(items, v));
  }
  if (node.type !== 'object' || !isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childNode = node.properties?.[key];
    out[key] = childNode ? fill(childNode, child) : structuredClone(child);
  }
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    // Like the API server: a missing or null field with a default gets the default.
    if ((out[key] === undefined || out[key] === null) && child.default !== undefined) {
      out[key] = structuredClone(child.default);
    }
  }
  return out;
}

/** A copy of a MixpanelDataflow manifest with the CRD's defaults filled in; the input is not changed. */
export function applyDefaults<T>(manifest: T): T {
  return fill(mixpanelDataflowSchema, manifest) as T;
}
