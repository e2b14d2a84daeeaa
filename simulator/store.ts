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

function nameKey(r: Resource, name: unknown): string | undefined {
  return typeof name === 'string'
    ? `${partitionKey(r.scope)}\u0000${r.kind}\u0000${name.toLowerCase()}`
    : undefined;
}

/** The partitioned store. Lookups by id or name are O(1); lists are O(n) in the partition's resources
 * of one kind. */
export class Store {
  private partitions = new Map<string, Map<Kind, Map<string, Resource>>>();
  private byId = new Map<string, Resource>();
  /** Case-insensitive name index: `property=name==…` is the hot lookup of a controller. */
  private byName = new Map<string, Set<Resource>>();
  private seq = 0;

  private indexName(r: Resource, name: unknown, add: boolean): void {
    const key = nameKey(r, name);
    if (key === undefined) return;
    let set = this.byName.get(key);
    if (add) {
      if (!set) this.byName.set(key, (set = new Set()));
      set.add(r);
    } else if (set) {
      set.delete(r);
      if (set.size === 0) this.byName.delete(key);
    }
  }

  /** Resources of a kind in a scope whose name equals one of `names` (case-insensitive), in insertion order. */
  byNames(scope: Scope, kind: Kind, names: string[]): Resource[] {
    const probe = { scope, kind } as Resource;
    const found = new Set<Resource>();
    for (const n of names) for (const r of this.byName.get(nameKey(probe, n)!) ?? []) found.add(r);
    return [...found].sort((a, b) => a.seq - b.seq);
  }

  /** Replaces a resource's document, keeping the name index right. */
  replaceDoc(r: Resource, doc: Record<string, unknown>): void {
    this.indexName(r, r.doc['name'], false);
    r.doc = doc;
    this.indexName(r, doc['name'], true);
  }

  /** Re-indexes after `r.doc` was edited in place (its name was `oldName`). */
  reindex(r: Resource, oldName: unknown): void {
    this.indexName(r, oldName, false);
    this.indexName(r, r.doc['name'], true);
  }

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
    this.indexName(r, doc['name'], true);
    return r;
  }

  /** Removes a resource; returns whether it existed. */
  remove(r: Resource): boolean {
    const existed = this.collection(r.scope, r.kind, false)?.delete(r.id) ?? false;
    if (this.byId.get(r.id) === r) this.byId.delete(r.id);
    this.indexName(r, r.doc['name'], false);
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
    this.byName.clear();
  }
}
