/** In-memory resource store, partitioned by IMS org and sandbox: one sandbox never sees another's. */

/** Every resource type the simulator keeps. */
export const KINDS = [
  'connections',
  'sourceConnections',
  'targetConnections',
  'flows',
  'mappingSets',
  'dataSets',
  'schemas',
] as const;

/** A resource type. */
export type Kind = (typeof KINDS)[number];

/** Where a resource lives. */
export interface Scope {
  orgId: string;
  sandboxName: string;
}

/** A stored resource: `doc` is what the API returns (secrets excluded), `internal` is simulator-only. */
export interface Resource {
  kind: Kind;
  id: string;
  scope: Scope;
  /** Insertion sequence, the default list order. */
  seq: number;
  doc: Record<string, unknown>;
  internal: Record<string, unknown>;
}

function partitionKey(scope: Scope): string {
  return `${scope.orgId}\u0000${scope.sandboxName}`;
}

/** The partitioned store. Lookups are O(1); lists are O(n) in the partition's resources of one kind. */
export class Store {
  private partitions = new Map<string, Map<Kind, Map<string, Resource>>>();
  private byId = new Map<string, Resource>();
  private seq = 0;

  private collection(scope: Scope, kind: Kind, create: boolean): Map<string, Resource> | undefined {
    const key = partitionKey(scope);
    let part = this.partitions.get(key);
    if (!part) {
      if (!create) return undefined;
      part = new Map();
      this.partitions.set(key, part);
    }
    let coll = part.get(kind);
    if (!coll && create) {
      coll = new Map();
      part.set(kind, coll);
    }
    return coll;
  }

  /** The resource with this id in this scope, if any. */
  get(scope: Scope, kind: Kind, id: string): Resource | undefined {
    return this.collection(scope, kind, false)?.get(id);
  }

  /** The resource with this id in any scope (control endpoints only). */
  find(id: string): Resource | undefined {
    return this.byId.get(id);
  }

  /** Adds a resource. */
  insert(
    scope: Scope,
    kind: Kind,
    id: string,
    doc: Record<string, unknown>,
    internal: Record<string, unknown> = {},
  ): Resource {
    const r: Resource = { kind, id, scope: { ...scope }, seq: ++this.seq, doc, internal };
    this.collection(scope, kind, true)!.set(id, r);
    this.byId.set(id, r);
    return r;
  }

  /** Removes a resource; returns whether it existed. */
  remove(r: Resource): boolean {
    const existed = this.collection(r.scope, r.kind, false)?.delete(r.id) ?? false;
    if (this.byId.get(r.id) === r) this.byId.delete(r.id);
    return existed;
  }

  /** All resources of a kind in a scope, in insertion order. */
  list(scope: Scope, kind: Kind): Resource[] {
    const coll = this.collection(scope, kind, false);
    return coll ? [...coll.values()] : [];
  }

  /** Every resource of every kind across all scopes. */
  all(): Resource[] {
    return [...this.byId.values()];
  }

  /** Forgets everything. */
  clear(): void {
    this.partitions.clear();
    this.byId.clear();
  }
}
