/**
 * What a person watching local mode sees. On a terminal: a table redrawn in place (name, Ready,
 * Synced, Healthy, flow id, last run) with recent events and problems under it. Otherwise: one
 * plain line per change, event, problem and summary, so logs and tests can follow along.
 */
import { CONDITION_TYPES } from '../api/index.js';
import type { LocalRecord } from '../offline/index.js';

/** One row of the table. */
export interface Row {
  key: string;
  ready: string;
  synced: string;
  healthy: string;
  flowId: string;
  lastRun: string;
  /** Why it is not Ready/Synced, or that it is being deleted. */
  note: string;
}

/** Column headers. */
export const COLUMNS = ['NAME', 'READY', 'SYNCED', 'HEALTHY', 'FLOW', 'LAST RUN'] as const;

const cond = (r: LocalRecord, type: string) => r.status.conditions?.find((c) => c.type === type);

/** The row of one record (pure). */
export function rowOf(key: string, r: LocalRecord): Row {
  const ready = cond(r, CONDITION_TYPES.Ready);
  const synced = cond(r, CONDITION_TYPES.Synced);
  const healthy = cond(r, CONDITION_TYPES.Healthy);
  const run = r.status.lastRun;
  const lastRun = run
    ? `${run.status ?? '?'} ${(run.completedAt ?? run.startedAt ?? '').slice(0, 16).replace('T', ' ')}${run.recordsWritten !== undefined ? ` ${run.recordsWritten} rec` : ''}`
    : '-';
  const problem = [synced, ready].find((c) => c && c.status !== 'True');
  const note = r.deletionTimestamp
    ? `deleting (${r.spec.deletionPolicy ?? 'Delete'})`
    : problem
      ? `${problem.reason}: ${problem.message}`
      : '';
  return {
    key,
    ready: ready?.status ?? '-',
    synced: synced?.status ?? '-',
    healthy: healthy?.status ?? '-',
    flowId: r.status.flow?.id ?? '-',
    lastRun,
    note,
  };
}

/** The plain line of a row. */
export function rowLine(row: Row): string {
  const base = `${row.key} Ready=${row.ready} Synced=${row.synced} Healthy=${row.healthy} flow=${row.flowId} lastRun=${row.lastRun}`;
  return row.note ? `${base} (${row.note})` : base;
}

/** Renders the table as lines (pure). */
export function renderTable(rows: readonly Row[], width = 160): string[] {
  const cells = [
    [...COLUMNS],
    ...rows.map((r) => [r.key, r.ready, r.synced, r.healthy, r.flowId, r.lastRun]),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const lines = cells.map((c) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  for (const r of rows) if (r.note) lines.push(`  ${r.key}: ${r.note}`);
  return lines.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
}

/** Where local mode reports. */
export interface View {
  /** A line about the process itself (where it reads and writes, ports). */
  note(line: string): void;
  rows(rows: readonly Row[]): void;
  event(line: string): void;
  problems(lines: readonly string[]): void;
  summary(line: string): void;
  close(): void;
}

/** Plain lines: a row's line when it changes, every event, new problems, summaries. */
export class PlainView implements View {
  private readonly last = new Map<string, string>();
  private shownProblems = new Set<string>();

  constructor(private readonly write: (line: string) => void) {}

  note(line: string): void {
    this.write(line);
  }

  rows(rows: readonly Row[]): void {
    for (const r of rows) {
      const line = rowLine(r);
      if (this.last.get(r.key) !== line) this.write(line);
      this.last.set(r.key, line);
    }
    for (const key of [...this.last.keys()])
      if (!rows.some((r) => r.key === key)) {
        this.last.delete(key);
        this.write(`${key} deleted`);
      }
  }

  event(line: string): void {
    this.write(line);
  }

  problems(lines: readonly string[]): void {
    for (const l of lines) if (!this.shownProblems.has(l)) this.write(`invalid: ${l}`);
    this.shownProblems = new Set(lines);
  }

  summary(line: string): void {
    this.write(line);
  }

  close(): void {}
}

/** Most recent events kept under the table. */
const EVENT_TAIL = 8;

/** A table redrawn in place on a terminal (at most every 100 ms). */
export class TableView implements View {
  private notes: string[] = [];
  private current: readonly Row[] = [];
  private events: string[] = [];
  private problemLines: readonly string[] = [];
  private summaryLine = '';
  private drawn = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly out: NodeJS.WriteStream) {}

  note(line: string): void {
    this.notes.push(line);
    this.schedule();
  }

  rows(rows: readonly Row[]): void {
    this.current = rows;
    this.schedule();
  }

  event(line: string): void {
    this.events = [...this.events, line].slice(-EVENT_TAIL);
    this.schedule();
  }

  problems(lines: readonly string[]): void {
    this.problemLines = lines;
    this.schedule();
  }

  summary(line: string): void {
    this.summaryLine = line;
    this.schedule();
  }

  close(): void {
    clearTimeout(this.timer);
    this.draw();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, 100);
  }

  private draw(): void {
    const width = this.out.columns ?? 160;
    const lines = [
      ...this.notes.map((n) => n.slice(0, width)),
      ...(this.notes.length ? [''] : []),
      ...renderTable(this.current, width),
      '',
      this.summaryLine || 'reconciling…',
      ...this.problemLines.map((p) => `invalid: ${p}`.slice(0, width)),
      ...(this.events.length
        ? ['', 'recent events:', ...this.events.map((e) => `  ${e}`.slice(0, width))]
        : []),
    ];
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    this.out.write(`${up}\x1b[0J${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}
