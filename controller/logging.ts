/** The process logger shared by the cluster controller and local mode: pino JSON, secrets censored. */
import { pino, type DestinationStream, type Logger } from 'pino';
import { LOG_REDACTION } from './util/index.js';

/** A pino logger at `level` with the shared redaction (util/redact.ts), to stdout unless a destination is given. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: LOG_REDACTION };
  return destination ? pino(options, destination) : pino(options);
}
