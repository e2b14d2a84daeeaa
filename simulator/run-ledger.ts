/**
 * Every run the simulator ever produced, per flow, kept after the flow is deleted (Flow Service
 * forgets a deleted flow's runs). A test compares what a controller counted against it: a count
 * above the ledger's finished runs is a double count. `GET /__simulator/runs/ledger`.
 */

/** What the ledger keeps of one run. */
interface LedgerRun {
  completesAt: number;
  status: string;
}

/** Who a flow belonged to when it first ran: read then, as either may be deleted or renamed later. */
export interface LedgerOwner {
  /** The source connection's name (the controller puts its dataflow's uid in it). */
  sourceConnectionName?: string;
  /** The flow's description (the controller's default names the dataflow). */
  flowDescription?: string;
}

/** Per flow: the source connection it read, runs finished by now (by outcome) and runs still in progress. */
export interface LedgerSummary extends LedgerOwner {
  sourceConnectionId?: string;
  finished: number;
  byStatus: Record<string, number>;
  inProgress: number;
}

/** The ledger. */
export class RunLedger {
  private readonly byFlow = new Map<string, LedgerRun[]>();
  private readonly sources = new Map<string, { sourceConnectionId: string } & LedgerOwner>();

  /** Records one produced run; `owner` is read only for a flow's first run. */
  record(
    flowId: string,
    sourceConnectionId: string,
    startedAt: number,
    durationMs: number,
    status: string,
    owner: () => LedgerOwner = () => ({}),
  ): void {
    if (!this.sources.has(flowId)) this.sources.set(flowId, { sourceConnectionId, ...owner() });
    const list = this.byFlow.get(flowId) ?? [];
    list.push({ completesAt: startedAt + durationMs, status });
    this.byFlow.set(flowId, list);
  }

  /** Per-flow summary at simulated time `now`. */
  summary(now: number): Record<string, LedgerSummary> {
    const out: Record<string, LedgerSummary> = {};
    for (const [flowId, runs] of this.byFlow) {
      const s: LedgerSummary = { ...this.sources.get(flowId), finished: 0, byStatus: {}, inProgress: 0 };
      for (const r of runs) {
        if (r.completesAt > now) s.inProgress += 1;
        else {
          s.finished += 1;
          s.byStatus[r.status] = (s.byStatus[r.status] ?? 0) + 1;
        }
      }
      out[flowId] = s;
    }
    return out;
  }

  /** Forgets everything. */
  reset(): void {
    this.byFlow.clear();
    this.sources.clear();
  }
}
