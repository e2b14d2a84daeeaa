/** Small constructors that keep the schema source readable; they add nothing Kubernetes lacks. */
import type { SchemaNode, ValidationRule } from './schema-types.js';

type Extra = Omit<SchemaNode, 'type' | 'description'>;

/** A string node; every string in the schema is bounded (`maxLength`) for CEL cost and etcd size. */
export function str(
  description: string,
  maxLength: number,
  extra: Omit<Extra, 'maxLength'> = {},
): SchemaNode {
  return { type: 'string', description, maxLength, ...extra };
}

/** An integer node. */
export function int(description: string, extra: Extra = {}): SchemaNode {
  return { type: 'integer', description, ...extra };
}

/** A boolean node. */
export function bool(description: string, extra: Extra = {}): SchemaNode {
  return { type: 'boolean', description, ...extra };
}

/** An object node with named properties; `required` lists the properties that must be present. */
export function obj(
  description: string,
  properties: Record<string, SchemaNode>,
  required: string[] = [],
  rules: ValidationRule[] = [],
): SchemaNode {
  return {
    type: 'object',
    description,
    properties,
    ...(required.length > 0 ? { required } : {}),
    ...(rules.length > 0 ? { 'x-kubernetes-validations': rules } : {}),
  };
}

/** An array node; every list is bounded (`maxItems`). */
export function list(
  description: string,
  items: SchemaNode,
  maxItems: number,
  extra: Extra = {},
): SchemaNode {
  return { type: 'array', description, items, maxItems, ...extra };
}

/** A DNS-1123 subdomain, the shape of a Secret name. */
export const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** A reference to a Secret in the MixpanelDataflow's own namespace (no namespace field on purpose). */
export function secretRef(description: string, keys: string): SchemaNode {
  return obj(
    `${description} The Secret must be in the same namespace as the MixpanelDataflow. ${keys}`,
    { name: str('Name of the Secret.', 253, { minLength: 1, pattern: DNS_SUBDOMAIN }) },
    ['name'],
  );
}
