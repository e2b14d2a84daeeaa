/** Test helpers: run local mode or plan as a child process, read the simulator's inventory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A child process whose stdout is read line by line. */
export class Child {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(readonly proc: ChildProcess) {
    let partial = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
      for (const w of this.waiters.splice(0)) w();
    });
    proc.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = once(proc, 'exit').then(([code]) => {
      for (const w of this.waiters.splice(0)) w();
      return code as number | null;
    });
  }

  /** Resolves with the index of the first line at or after `from` that matches. */
  async waitFor(pattern: RegExp, from = 0, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.lines.findIndex((l, idx) => idx >= from && pattern.test(l));
      if (i >= 0) return i;
      if (this.proc.exitCode !== null || Date.now() > deadline)
        throw new Error(
          `no line matching ${pattern} (exit ${this.proc.exitCode})\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a signal to the whole process group (what Ctrl-C does) and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    try {
      if (this.proc.exitCode === null) process.kill(-this.proc.pid!, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // already gone
    }
    return this.exited;
  }
}

/** Starts `node --import tsx <script> args` (or `npm <args>` when script is 'npm') in its own group. */
export function start(script: string, args: string[]): Child {
  const [cmd, argv] =
    script === 'npm' ? ['npm', args] : [process.execPath, ['--import', 'tsx', script, ...args]];
  return new Child(spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
}

/** A fresh copy of the examples' manifests in a temp folder. */
export async function copyExamples(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mpdf-local-'));
  for (const f of await readdir('examples'))
    if (/\.ya?ml$/.test(f)) await cp(join('examples', f), join(dir, f));
  return dir;
}

/** Polls `read` until `check` passes or the timeout ends; returns the last value. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (check(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One resource as the simulator's state endpoint lists it. */
export interface SimResource {
  kind: string;
  id: string;
  sandboxName: string;
  name?: string;
  state?: string;
  doc: Record<string, unknown>;
}

/** The simulator's inventory. */
export async function inventory(url: string): Promise<SimResource[]> {
  const res = await fetch(`${url}/__simulator/state`);
  return ((await res.json()) as { resources: SimResource[] }).resources;
}

/** Resources of one kind. */
export const ofKind = (all: SimResource[], kind: string) => all.filter((r) => r.kind === kind);

/** Request counts per `METHOD /template` since the last reset. */
export async function requestCounts(url: string): Promise<Record<string, number>> {
  const res = await fetch(`${url}/__simulator/requests`);
  return ((await res.json()) as { counts: Record<string, number> }).counts;
}

/** The value of one Prometheus series (sum over series matching every given label). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? sum : NaN;
}
