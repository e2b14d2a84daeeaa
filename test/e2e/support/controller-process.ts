/**
 * Runs the real controller (`controller/main.ts`) as a child process, the way a pod would: flags
 * on the command line, JSON logs on stdout. `node --import tsx` keeps it one process, so a
 * SIGKILL hits the controller itself and nothing is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One JSON log line of the controller. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A running controller process. */
export interface ControllerProcess {
  proc: ChildProcess;
  logs: LogLine[];
  /** Raw stdout+stderr, for the secret scan and failure messages. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process ended. */
  exited: Promise<number | string>;
  /** Waits for a log line matching `pred`. */
  waitForLog(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Port of /healthz and /readyz, once logged. */
  healthPort(): Promise<number>;
  metricsPort(): Promise<number>;
  kill(signal?: NodeJS.Signals): void;
}

/** Options of startController. */
export interface StartControllerOptions {
  kubeconfig: string;
  simUrl: string;
  namespaces: string[];
  syncPeriod?: string;
  extraArgs?: string[];
  env?: Record<string, string>;
}

/** Spawns the controller with short, test-friendly timings unless overridden. */
export function startController(opts: StartControllerOptions): ControllerProcess {
  const args = [
    '--import',
    'tsx',
    'controller/main.ts',
    `--kubeconfig=${opts.kubeconfig}`,
    `--platform-url=${opts.simUrl}`,
    `--ims-url=${opts.simUrl}`,
    `--watch-namespace=${opts.namespaces.join(',')}`,
    `--sync-period=${opts.syncPeriod ?? '1m'}`,
    '--health-probe-bind-address=127.0.0.1:0',
    '--metrics-bind-address=127.0.0.1:0',
    // Plain HTTP unless a test asks for --metrics-secure (the last occurrence of a flag wins).
    '--metrics-secure=false',
    '--log-level=debug',
    ...(opts.extraArgs ?? []),
  ];
  const proc = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env, KUBECONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let raw = '';
  let partial = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    raw += text;
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // not JSON (tsx warnings)
      }
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => {
    raw += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const waitForLog = (pred: (l: LogLine) => boolean, timeoutMs = 30_000) =>
    waitFor(() => logs.find(pred), {
      timeoutMs,
      what: 'controller log line',
      details: () => raw.slice(-3000),
    });
  const port = (field: string) => async () =>
    (await waitForLog((l) => typeof l[field] === 'number', 60_000))[field] as number;
  return {
    proc,
    logs,
    output: () => raw,
    exited,
    waitForLog,
    healthPort: port('healthPort'),
    metricsPort: port('metricsPort'),
    kill: (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
}

/** Kills every controller in `list` (SIGKILL) and waits for them to exit. */
export async function killAll(list: ControllerProcess[]): Promise<void> {
  for (const c of list) c.kill('SIGKILL');
  await Promise.all(list.map((c) => c.exited));
}
