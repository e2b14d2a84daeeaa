import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How to (re)start one control-plane process; kept in the state file so any process can restart it. */
export interface ProcessSpec {
  name: 'etcd' | 'kube-apiserver';
  bin: string;
  args: string[];
  logFile: string;
}

/** A running process started from a spec. */
export interface RunningProcess extends ProcessSpec {
  pid: number;
}

/**
 * Starts a process in its own process group (so signals to the test runner's group miss it, and
 * stopping it reaches everything it spawned), with output appended to its log file. The child is
 * unref'd: its lifetime is managed through the state file, not the Node event loop.
 */
export function startProcess(spec: ProcessSpec): RunningProcess {
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.bin, spec.args, { detached: true, stdio: ['ignore', log, log] });
    if (child.pid === undefined) throw new Error(`could not start ${spec.bin}`);
    child.on('error', () => {}); // reported through isAlive() and the log instead
    child.unref();
    return { ...spec, pid: child.pid };
  } finally {
    closeSync(log);
  }
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; Z means exited but not yet reaped by its parent.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no procfs (macOS): kill(0) is all we have
  }
}

/**
 * True when pid still runs the given binary, so a recycled pid of an unrelated process is never signalled.
 * Without procfs the check cannot be made and the answer is true.
 */
export function runsBinary(pid: number, bin: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === bin;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' && isAlive(pid);
  }
}

/** Sends a signal to the process group of a process started by startProcess; false if it is gone. */
export function signalGroup(proc: Pick<RunningProcess, 'pid' | 'bin'>, signal: NodeJS.Signals): boolean {
  if (!isAlive(proc.pid) || !runsBinary(proc.pid, proc.bin)) return false;
  try {
    process.kill(-proc.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL and wait until it is gone. */
export async function stopProcess(proc: RunningProcess, graceMs = 10_000): Promise<void> {
  if (!signalGroup(proc, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (isAlive(proc.pid) && Date.now() < deadline) await sleep(50);
  if (!isAlive(proc.pid)) return;
  signalGroup(proc, 'SIGKILL');
  while (isAlive(proc.pid)) await sleep(20);
}

/** Last lines of a log file, for error messages when a process fails to come up. */
export function logTail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
