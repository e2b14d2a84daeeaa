/** The MixpanelDataflow API: names, generated types, CRD, defaults and local validation. */
export * from './constants.js';
export type * from './types.generated.js';
export type { ObjectMeta } from './object-meta.js';
export { isPaused } from './metadata.js';
export { buildCrd, mixpanelDataflowSchema, printerColumns } from './crd.js';
export { RULE_MESSAGES, specSchema } from './spec-schema.js';
export { statusSchema } from './status-schema.js';
export { SPEC_DEFAULTS, applyDefaults } from './defaults.js';
export {
  CEL_SKIPPED_MESSAGE,
  validateMixpanelDataflow,
  type FieldError,
  type ValidateOptions,
} from './validate.js';
