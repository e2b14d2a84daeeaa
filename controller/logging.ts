/** The process logger shared by the cluster controller and local mode: pino JSON, secrets censored. */
import { pino, type DestinationStream, type Logger } from 'pino';

/** Paths pino censors wherever they appear in a log object: secrets never reach logs. */
export const LOG_REDACT_PATHS = [
  'clientSecret',
  'password',
  'token',
  'authorization',
  '*.clientSecret',
  '*.password',
  '*.token',
  '*.authorization',
  '*.headers.authorization',
  'data',
  '*.data',
];

/** A pino logger at `level` with the redaction above, to stdout unless a destination is given. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
