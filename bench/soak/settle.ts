/**
 * When the system settled. The end-state invariants are polled from the last disruption on (the
 * last fault window closed, the last kill, restart, silence or edit carried out; the background
 * noise still on) until the schedule ends, then — every fault off — until they hold or the bound,
 * counted from the last disruption, runs out. The convergence time runs from the last disruption
 * to the first poll from which they held to the end; the verdict is the last poll's, after the end.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MixpanelDataflow } from '../../controller/api/index.js';
import type { Violation } from './end-state.js';

/** One reading of the end state: the dataflows and the violations that count (known ones left out). */
export interface Reading {
  crs: MixpanelDataflow[];
  /** Every end-state violation. */
  all: Violation[];
  /** Those that count. */
  counted: Violation[];
}

/** What settling found. */
export interface Settled extends Reading {
  /** Epoch ms of the last disruption. */
  quietAt: number;
  /** ms from the last disruption until the invariants held for good; undefined if they never did. */
  convergenceMs: number | undefined;
}

/** Polls `read` as described above. */
export async function settle(o: {
  read: () => Promise<Reading>;
  /** Resolves with the epoch ms of the last disruption. */
  quiet: Promise<number>;
  /** Resolves when the schedule (the end event included: faults off) has been played. */
  played: Promise<void>;
  boundMs: number;
  intervalMs: number;
  log: (line: string) => void;
}): Promise<Settled> {
  // A schedule that fails before it is quiet fails the run here, instead of leaving it waiting.
  const quietAt = await Promise.race([o.quiet, o.played.then(() => o.quiet)]);
  let ended = false;
  const end = () => void (ended = true);
  o.played.then(end, end);
  let heldSince: number | undefined;
  while (!ended) {
    const r = await o.read();
    heldSince = r.counted.length === 0 ? (heldSince ?? Date.now()) : undefined;
    await Promise.race([sleep(o.intervalMs), o.played]);
  }
  o.log(`schedule done; waiting for convergence (bound ${(o.boundMs / 1000).toFixed(0)} s)`);
  for (;;) {
    const r = await o.read();
    if (r.counted.length === 0) {
      heldSince ??= Date.now();
      return { ...r, quietAt, convergenceMs: heldSince - quietAt };
    }
    heldSince = undefined;
    if (Date.now() - quietAt > o.boundMs) return { ...r, quietAt, convergenceMs: undefined };
    await sleep(o.intervalMs);
  }
}
