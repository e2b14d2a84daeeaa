/**
 * The controller replicas as child processes, the way a Deployment runs them: each restarted a
 * moment after it exits (SIGKILL, lost Lease, crash), logs streamed to a file per incarnation and
 * through the leak scanner, and the lines the soak reacts to (leadership, plans being applied, watch
 * restarts) turned into events. Nothing of the logs is kept in memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LeakScanner } from './leaks.js';
import type { SoakProfile } from './profile.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One run of one replica. */
export interface Incarnation {
  replica: string;
  n: number;
  pid: number;
  startedAt: number;
  leaderSince?: number;
  metricsPort?: number;
  exitedAt?: number;
  exit?: number | string;
  /** Why it ended: killed by the soak, or on its own (a crash unless it lost its Lease). */
  endedBy?: 'soak-kill' | 'soak-term' | 'own';
  lostLease: boolean;
  fatal: string[];
  logFile: string;
}

/** A line of interest. */
export interface FleetLine {
  inc: Incarnation;
  msg: string;
  line: Record<string, unknown>;
}

/** Options of the fleet. */
export interface FleetOptions {
  profile: SoakProfile;
  /** A kubeconfig for one incarnation (named `<replica>#<n>`). */
  kubeconfigFor: (incarnation: string) => string;
  simUrl: string;
  logDir: string;
  leaks: LeakScanner;
  onLine: (l: FleetLine) => void;
  /** Delay before a replica that exited is started again. */
  restartDelayMs: number;
}

const INTEREST = new Set([
  'became leader; starting workers',
  'lost leadership',
  'applying plan',
  'watch restarted',
  'serving health and metrics endpoints',
  'unhandled rejection',
  'reconcile failed',
]);

/** The replicas. */
export class Fleet {
  readonly incarnations: Incarnation[] = [];
  private readonly procs = new Map<Incarnation, ChildProcess>();
  private stopping = false;
  private counter = 0;

  constructor(private readonly o: FleetOptions) {}

  /** Starts every replica. */
  start(): void {
    for (let i = 0; i < this.o.profile.replicas; i++) this.spawn(`controller-${i}`);
  }

  /** Running incarnations. */
  alive(): Incarnation[] {
    return this.incarnations.filter((i) => i.exitedAt === undefined);
  }

  /** The live incarnation that became leader most recently. */
  leader(): Incarnation | undefined {
    return this.alive()
      .filter((i) => i.leaderSince !== undefined)
      .sort((a, b) => b.leaderSince! - a.leaderSince!)[0];
  }

  /** Signals an incarnation; it is restarted after it exits. */
  signal(inc: Incarnation, signal: 'SIGKILL' | 'SIGTERM'): void {
    const proc = this.procs.get(inc);
    if (!proc || inc.exitedAt !== undefined) return;
    inc.endedBy = signal === 'SIGKILL' ? 'soak-kill' : 'soak-term';
    proc.kill(signal);
  }

  /** Stops everything (SIGTERM, then SIGKILL) without restarting. */
  async stop(): Promise<void> {
    this.stopping = true;
    const waits = [...this.procs.entries()]
      .filter(([inc]) => inc.exitedAt === undefined)
      .map(
        ([inc, proc]) =>
          new Promise<void>((resolve) => {
            const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
            proc.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            inc.endedBy ??= 'soak-term';
            proc.kill('SIGTERM');
          }),
      );
    await Promise.all(waits);
  }

  private spawn(replica: string): void {
    const c = this.o.profile.controller;
    const n = ++this.counter;
    const logFile = join(this.o.logDir, `${replica}.${n}.log`);
    const args = [
      '--import',
      'tsx',
      'controller/main.ts',
      `--kubeconfig=${this.o.kubeconfigFor(`${replica}#${n}`)}`,
      `--platform-url=${this.o.simUrl}`,
      `--ims-url=${this.o.simUrl}`,
      `--watch-namespace=${this.o.profile.namespace}`,
      `--sync-period=${c.syncPeriod}`,
      `--watch-timeout=${c.watchTimeout}`,
      '--leader-elect=true',
      `--leader-election-namespace=${this.o.profile.namespace}`,
      `--lease-duration=${c.leaseDuration}`,
      `--renew-deadline=${c.renewDeadline}`,
      `--retry-period=${c.retryPeriod}`,
      `--flow-service-rate-limit=${c.rateLimit}`,
      `--flow-service-burst=${c.burst}`,
      `--max-concurrent-reconciles=${c.concurrency}`,
      '--health-probe-bind-address=127.0.0.1:0',
      '--metrics-bind-address=127.0.0.1:0',
      // The monitor scrapes over plain HTTP; the secure endpoint's auth has its own tests.
      '--metrics-secure=false',
      '--log-level=debug',
    ];
    const proc = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, KUBECONFIG: '', POD_NAME: replica },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const inc: Incarnation = {
      replica,
      n,
      pid: proc.pid ?? -1,
      startedAt: Date.now(),
      lostLease: false,
      fatal: [],
      logFile,
    };
    this.incarnations.push(inc);
    this.procs.set(inc, proc);
    const file: WriteStream = createWriteStream(logFile);
    const where = `${replica}#${n}`;
    createInterface({ input: proc.stdout! }).on('line', (text) => this.line(inc, text, file, where));
    createInterface({ input: proc.stderr! }).on('line', (text) => {
      file.write(`stderr: ${text}\n`);
      this.o.leaks.scan(text, 'log', where);
      if (text.startsWith('fatal:')) inc.fatal.push(text.slice(0, 300));
    });
    proc.once('exit', (code, sig) => {
      inc.exitedAt = Date.now();
      inc.exit = code ?? sig ?? -1;
      inc.endedBy ??= 'own';
      file.end();
      this.procs.delete(inc);
      if (!this.stopping) setTimeout(() => !this.stopping && this.spawn(replica), this.o.restartDelayMs);
    });
  }

  private line(inc: Incarnation, text: string, file: WriteStream, where: string): void {
    file.write(`${text}\n`);
    this.o.leaks.scan(text, 'log', where);
    if (!text.startsWith('{')) return;
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const msg = String(line['msg'] ?? '');
    if ((line['level'] as number) >= 60) inc.fatal.push(text.slice(0, 300));
    if (!INTEREST.has(msg)) return;
    if (msg === 'serving health and metrics endpoints' && typeof line['metricsPort'] === 'number')
      inc.metricsPort = line['metricsPort'];
    if (msg === 'became leader; starting workers') inc.leaderSince = Date.now();
    if (msg === 'lost leadership') inc.lostLease = true;
    if (msg === 'unhandled rejection') inc.fatal.push(text.slice(0, 300));
    this.o.onLine({ inc, msg, line });
  }
}
