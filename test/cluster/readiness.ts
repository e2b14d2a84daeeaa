import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, logTail } from './processes.js';
import type { RunningProcess } from './processes.js';

/** TLS material for talking to the API server as the admin user. */
export interface TlsClient {
  ca: string;
  cert: string;
  key: string;
}

/** Error messages of the readiness waits. */
export const READINESS_ERRORS = {
  exited: 'exited before it was ready',
  timeout: 'not ready in time',
} as const;

/** One GET; resolves with the status code (0 when the connection fails). */
export function getStatus(url: string, tls?: TlsClient): Promise<number> {
  return new Promise((resolve) => {
    const options = { timeout: 2000, ...(tls ?? {}) };
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, options, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/**
 * Polls url every 100 ms until it answers 200. Fails at once if the process exits (a port taken by
 * someone else ends here), with the end of its log in the message.
 */
export async function waitForOk(
  proc: RunningProcess,
  url: string,
  timeoutMs: number,
  tls?: TlsClient,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await getStatus(url, tls)) === 200) return;
    if (!isAlive(proc.pid)) {
      throw new Error(`${proc.name} ${READINESS_ERRORS.exited}:\n${logTail(proc.logFile)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${proc.name} ${READINESS_ERRORS.timeout} (${url}):\n${logTail(proc.logFile)}`);
    }
    await sleep(100);
  }
}
