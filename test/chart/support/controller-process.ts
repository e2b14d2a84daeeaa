/**
 * Runs the real controller (controller/main.ts under tsx, one node process) with a given argv, the
 * way the container runs `node dist/controller/main.js <args>`; collects its JSON log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from './chart.js';

/** A running controller. */
export interface ControllerProcess {
  proc: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the exit code, or the signal name, once the process ended. */
  exited: Promise<number | string>;
}

/** Starts the controller with `args`. */
export function startController(
  args: readonly string[],
  env: Record<string, string> = {},
): ControllerProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'controller/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | string>((resolve) =>
    proc.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { proc, output: () => out, exited };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
export async function stopController(ctl: ControllerProcess, graceMs = 15_000): Promise<number | string> {
  if (ctl.proc.exitCode !== null || ctl.proc.signalCode !== null) return ctl.exited;
  ctl.proc.kill('SIGTERM');
  const timer = setTimeout(() => ctl.proc.kill('SIGKILL'), graceMs);
  try {
    return await ctl.exited;
  } finally {
    clearTimeout(timer);
  }
}
