/**
 * Local mode's stand-in for the API server: per dataflow its uid, generation, last applied spec
 * and status. In memory, and mirrored to a JSON file when `--state` is given (written atomically
 * after every change), so a restart knows recorded ids and hashes, and deletes the chains of
 * manifests removed while it was down. `plan --state <file>` reads the same file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { MixpanelDataflowSpec } from '../api/index.js';
import type { DataflowStatus } from '../reconcile/index.js';

/** Version of the state file format. */
export const STATE_FILE_VERSION = 1;

/** What local mode keeps per dataflow. */
export interface LocalRecord {
  namespace: string;
  name: string;
  uid: string;
  /** Bumped whenever the spec (or an annotation) changes, like metadata.generation. */
  generation: number;
  spec: MixpanelDataflowSpec;
  annotations?: Record<string, string>;
  status: DataflowStatus;
  /** Set when the manifest disappeared: the chain is being deleted per deletionPolicy. */
  deletionTimestamp?: string;
}

/** The state file. */
export interface StateFile {
  version: number;
  dataflows: Record<string, LocalRecord>;
}

/** Error messages of the state file. */
export const STATE_ERRORS = {
  unreadable: (path: string, detail: string) => `cannot read state file ${path}: ${detail}`,
  version: (path: string, v: unknown) =>
    `state file ${path} has version ${String(v)}, want ${STATE_FILE_VERSION}`,
} as const;

/** Reads a state file; a missing file is an empty state. Throws on a corrupt one. */
export function readStateFile(path: string): Map<string, LocalRecord> {
  if (!existsSync(path)) return new Map();
  let parsed: StateFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
  } catch (err) {
    throw new Error(STATE_ERRORS.unreadable(path, (err as Error).message));
  }
  if (parsed.version !== STATE_FILE_VERSION) throw new Error(STATE_ERRORS.version(path, parsed.version));
  return new Map(Object.entries(parsed.dataflows ?? {}));
}

/** The records, with optional persistence. */
export class LocalState {
  readonly records: Map<string, LocalRecord>;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly path?: string) {
    this.records = path ? readStateFile(path) : new Map();
  }

  /** The record of a key. */
  get(key: string): LocalRecord | undefined {
    return this.records.get(key);
  }

  /** Every key. */
  keys(): string[] {
    return [...this.records.keys()];
  }

  /** Stores a record and persists. */
  set(key: string, record: LocalRecord): Promise<void> {
    this.records.set(key, record);
    return this.persist();
  }

  /** Forgets a record and persists. */
  delete(key: string): Promise<void> {
    this.records.delete(key);
    return this.persist();
  }

  /** Writes the file (temp file + rename, serialized) when a path is set. */
  persist(): Promise<void> {
    const path = this.path;
    if (!path) return Promise.resolve();
    const body: StateFile = { version: STATE_FILE_VERSION, dataflows: Object.fromEntries(this.records) };
    const text = `${JSON.stringify(body, null, 2)}\n`;
    this.writing = this.writing.then(async () => {
      await writeFile(`${path}.tmp`, text, { mode: 0o600 });
      await rename(`${path}.tmp`, path);
    });
    return this.writing;
  }
}
