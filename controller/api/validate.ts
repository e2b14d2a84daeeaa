/**
 * Local validation of MixpanelDataflow manifests against the same schema and CEL rules the CRD
 * enforces, with the same field paths and messages the API server returns (no cluster needed).
 */
import { API_VERSION, KIND } from './constants.js';
import { mixpanelDataflowSchema } from './crd.js';
import { applyDefaults } from './defaults.js';
import { type FieldError, fieldErrors } from './go-format.js';
import { checkRules } from './validate-cel.js';
import { SchemaChecker, isObject, unknownFields } from './validate-schema.js';

export type { FieldError } from './go-format.js';

/** Options for {@link validateMixpanelDataflow}. */
export interface ValidateOptions {
  /** The stored object this manifest would replace: enables transition rules (immutability). */
  oldObject?: unknown;
  /**
   * Reject fields the schema does not declare, as kubectl's default strict field validation does
   * (the request then fails on those alone). false: drop them silently, as the API server prunes.
   */
  strictFields?: boolean;
}

const TOP_LEVEL_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

/** Message the API server adds when type errors stop it from evaluating CEL rules. */
export const CEL_SKIPPED_MESSAGE =
  'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

/** Validates a manifest as the API server would on create (or on update, given `oldObject`). */
export function validateMixpanelDataflow(obj: unknown, options: ValidateOptions = {}): FieldError[] {
  if (!isObject(obj)) return [fieldErrors.invalid('<root>', obj, 'a MixpanelDataflow must be an object')];
  const errors: FieldError[] = [];
  if (obj.apiVersion !== API_VERSION)
    errors.push(fieldErrors.notSupported('apiVersion', obj.apiVersion, [API_VERSION]));
  if (obj.kind !== KIND) errors.push(fieldErrors.notSupported('kind', obj.kind, [KIND]));

  // Like the API server: default first, then validate spec; status is not validated on spec writes.
  const value = applyDefaults({ spec: obj.spec });
  const old = isObject(options.oldObject) ? applyDefaults({ spec: options.oldObject.spec }) : undefined;
  const specNode = mixpanelDataflowSchema.properties?.spec;
  if (!specNode) throw new Error('schema has no spec');

  if (value.spec === undefined) return [...errors, fieldErrors.required('spec')];
  if (options.strictFields ?? true) {
    const unknown = [
      ...Object.keys(obj)
        .filter((k) => !TOP_LEVEL_FIELDS.has(k))
        .map((k) => fieldErrors.unknown(k)),
      ...unknownFields(specNode, value.spec, 'spec'),
    ];
    if (unknown.length > 0) return [...errors, ...unknown];
  }
  const checker = new SchemaChecker();
  checker.check(specNode, value.spec, 'spec', old?.spec);
  errors.push(...checker.errors);
  if (checker.celBlocked) {
    errors.push(fieldErrors.invalid('<nil>', null, CEL_SKIPPED_MESSAGE));
  } else {
    errors.push(...checkRules(specNode, value.spec, 'spec', old?.spec));
  }
  return errors;
}
