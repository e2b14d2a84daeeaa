/** Dependency-free helpers every layer may use: canonical JSON and secret redaction. */
export { canonicalJson } from './canonical-json.js';
export { LOG_REDACT_PATHS, LOG_REDACTION, MIN_REDACTED_LENGTH, REDACTED, redactValues } from './redact.js';
