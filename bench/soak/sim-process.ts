/**
 * The simulator as a child process (`simulator/main.ts`) and its control endpoints. Its clock is
 * the real one, like the controller's (no speed-up: Adobe and the controller agree on "now").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RequestLogEntry } from '../../simulator/request-log.js';
import type { SimResource } from '../../test/e2e/support/sim.js';
import type { LedgerFlow } from './run-owner.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The running simulator. */
export interface SimProcess {
  url: string;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  state(): Promise<{ now: number; resources: SimResource[] }>;
  ledger(): Promise<Record<string, LedgerFlow & { finished: number }>>;
  requestsAfter(seq: number): Promise<{ entries: RequestLogEntry[]; last: number; dropped: number }>;
  stop(): Promise<void>;
}

/** Starts `npm run simulator -- --port 0` as a child and waits for its one line. */
export async function startSimProcess(logFile: string): Promise<SimProcess> {
  const proc: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'simulator/main.ts', '--port', '0'],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = createWriteStream(logFile);
  proc.stderr!.pipe(log);
  const url = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      const m = /^listening on (\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
  });
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/__simulator/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} /__simulator/${path}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  return {
    url,
    control,
    state: () => control('GET', 'state'),
    ledger: async () =>
      (await control<{ flows: Record<string, LedgerFlow & { finished: number }> }>('GET', 'runs/ledger'))
        .flows,
    requestsAfter: (seq) => control('GET', `requests/log?after=${seq}`),
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
