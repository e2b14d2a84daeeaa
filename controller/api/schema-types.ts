/** The subset of Kubernetes' JSONSchemaProps (apiextensions.k8s.io/v1) that our schema uses. */

/** One `x-kubernetes-validations` entry: a CEL rule and the message a person reads. */
export interface ValidationRule {
  /** CEL expression; `self` is the node holding the rule, `oldSelf` its previous value. */
  rule: string;
  /** Message returned when the rule is false (one line). */
  message: string;
  /** Sets the HTTP code and error type; the API server defaults it to FieldValueInvalid. */
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  /** Relative JSON path (e.g. `.interval`) the error is reported at. */
  fieldPath?: string;
}

/** A structural OpenAPI v3 schema node as a CRD accepts it. */
export interface SchemaNode {
  type: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: readonly string[];
  pattern?: string;
  format?: 'date-time' | 'int64' | 'int32';
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: ValidationRule[];
}

/** An `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
}
