/**
 * Secret redaction, one spelling everywhere: what the logger censors by path, and the text scrub
 * that is the last line of defence for messages leaving the process (events, conditions, errors).
 */

/** What a secret is replaced with, in logs and in text. */
export const REDACTED = '[redacted]';

/** Values shorter than this are not scrubbed: they would redact ordinary words; real secrets are long. */
export const MIN_REDACTED_LENGTH = 4;

/** Paths pino censors wherever they appear in a log object (`pino({ redact: LOG_REDACTION })`). */
export const LOG_REDACT_PATHS = [
  'clientSecret',
  'client_secret',
  'password',
  'token',
  'access_token',
  'authorization',
  '*.clientSecret',
  '*.password',
  '*.token',
  '*.authorization',
  '*.headers.authorization',
  'data',
  '*.data',
] as const;

/** pino's `redact` option with the paths and censor above. */
export const LOG_REDACTION = { paths: [...LOG_REDACT_PATHS], censor: REDACTED };

/** Replaces every occurrence of each secret value in `text` with {@link REDACTED}. */
export function redactValues(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets)
    if (secret.length >= MIN_REDACTED_LENGTH) out = out.split(secret).join(REDACTED);
  return out;
}
