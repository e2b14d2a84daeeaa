/**
 * Reads MixpanelDataflow and Secret manifests from a folder of (multi-document) YAML files and
 * validates each MixpanelDataflow exactly as the CRD would (`validateMixpanelDataflow`). A bad file
 * or document becomes a problem naming file, document and field; it never hides the others.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  API_VERSION,
  KIND,
  applyDefaults,
  validateMixpanelDataflow,
  type MixpanelDataflowSpec,
} from '../api/index.js';

/** Namespace of a manifest without one (kubectl's default). */
export const DEFAULT_NAMESPACE = 'default';

/** File names read from the folder. */
export const MANIFEST_FILE = /\.ya?ml$/i;

/** Messages of manifest problems. */
export const MANIFEST_MESSAGES = {
  yaml: (detail: string) => `not valid YAML: ${detail}`,
  notObject: 'a manifest must be a mapping with apiVersion and kind',
  noName: 'Required value: metadata.name',
  duplicate: (first: string) => `duplicate of the MixpanelDataflow defined in ${first}`,
  secretData: (key: string) => `Invalid value: data.${key} is not base64`,
  unreadable: (detail: string) => `cannot read the file: ${detail}`,
} as const;

/** A manifest that could not be used. `document` is 1-based; `field` is the CRD's field path. */
export interface ManifestProblem {
  file: string;
  document: number;
  /** `namespace/name` when the document names one. */
  key?: string;
  field?: string;
  message: string;
}

/** A valid MixpanelDataflow (spec with the CRD's defaults applied). */
export interface LocalDataflow {
  key: string;
  namespace: string;
  name: string;
  annotations?: Record<string, string>;
  spec: MixpanelDataflowSpec;
  file: string;
  document: number;
}

/** Everything read from the folder. Secrets are keyed `namespace/name`, values decoded. */
export interface ManifestSet {
  dataflows: Map<string, LocalDataflow>;
  secrets: Map<string, Record<string, string>>;
  problems: ManifestProblem[];
  /** Files that failed as a whole (YAML syntax, unreadable): what they held before is unknown. */
  brokenFiles: Set<string>;
  /** Keys named by invalid MixpanelDataflow documents: keep what was applied, never delete. */
  invalidKeys: Set<string>;
}

/** An empty set. */
export function emptyManifestSet(): ManifestSet {
  return {
    dataflows: new Map(),
    secrets: new Map(),
    problems: [],
    brokenFiles: new Set(),
    invalidKeys: new Set(),
  };
}

type Doc = Record<string, unknown>;
const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

function meta(doc: Doc): { name?: string; namespace: string; annotations?: Record<string, string> } {
  const m = isObject(doc['metadata']) ? doc['metadata'] : {};
  const name = typeof m['name'] === 'string' && m['name'] !== '' ? m['name'] : undefined;
  const namespace =
    typeof m['namespace'] === 'string' && m['namespace'] !== '' ? m['namespace'] : DEFAULT_NAMESPACE;
  const annotations = isObject(m['annotations']) ? (m['annotations'] as Record<string, string>) : undefined;
  return { ...(name ? { name } : {}), namespace, ...(annotations ? { annotations } : {}) };
}

function secretData(doc: Doc): { data: Record<string, string>; badKey?: string } {
  const data: Record<string, string> = {};
  if (isObject(doc['data']))
    for (const [k, v] of Object.entries(doc['data'])) {
      const text = String(v ?? '');
      if (!/^[A-Za-z0-9+/\s]*=*$/.test(text)) return { data, badKey: k };
      data[k] = Buffer.from(text, 'base64').toString('utf8');
    }
  if (isObject(doc['stringData']))
    for (const [k, v] of Object.entries(doc['stringData'])) data[k] = String(v ?? '');
  return { data };
}

/**
 * Adds the documents of one file to `set`. `previous` holds the dataflows applied before, so
 * immutability rules (transition rules) are checked as the API server checks an update.
 */
export function addManifestFile(
  set: ManifestSet,
  file: string,
  text: string,
  previous?: ReadonlyMap<string, { spec: MixpanelDataflowSpec }>,
): void {
  const docs = parseAllDocuments(text);
  docs.forEach((d, i) => {
    const document = i + 1;
    if (d.errors.length > 0) {
      set.brokenFiles.add(file);
      set.problems.push({
        file,
        document,
        message: MANIFEST_MESSAGES.yaml(d.errors[0]!.message.split('\n')[0]!),
      });
      return;
    }
    const doc: unknown = d.toJS();
    if (doc === null || doc === undefined) return; // empty document (comments only, trailing ---)
    if (!isObject(doc)) {
      set.problems.push({ file, document, message: MANIFEST_MESSAGES.notObject });
      return;
    }
    const m = meta(doc);
    const key = m.name ? `${m.namespace}/${m.name}` : undefined;
    if (doc['kind'] === 'Secret' && doc['apiVersion'] === 'v1') {
      if (!key)
        return void set.problems.push({
          file,
          document,
          field: 'metadata.name',
          message: MANIFEST_MESSAGES.noName,
        });
      const { data, badKey } = secretData(doc);
      if (badKey)
        set.problems.push({
          file,
          document,
          key,
          field: `data.${badKey}`,
          message: MANIFEST_MESSAGES.secretData(badKey),
        });
      else set.secrets.set(key, data);
      return;
    }
    if (doc['kind'] !== KIND && doc['apiVersion'] !== API_VERSION) return; // Namespaces and the like
    if (!key) {
      set.problems.push({ file, document, field: 'metadata.name', message: MANIFEST_MESSAGES.noName });
      return;
    }
    const errors = validateMixpanelDataflow(doc, previous?.has(key) ? { oldObject: previous.get(key) } : {});
    if (errors.length > 0) {
      set.invalidKeys.add(key);
      for (const e of errors) set.problems.push({ file, document, key, field: e.field, message: e.message });
      return;
    }
    const existing = set.dataflows.get(key);
    if (existing) {
      set.invalidKeys.add(key);
      set.problems.push({ file, document, key, message: MANIFEST_MESSAGES.duplicate(existing.file) });
      return;
    }
    const { spec } = applyDefaults({ spec: doc['spec'] as MixpanelDataflowSpec });
    set.dataflows.set(key, {
      key,
      namespace: m.namespace,
      name: m.name!,
      ...(m.annotations ? { annotations: m.annotations } : {}),
      spec,
      file,
      document,
    });
  });
}

/** Reads every `*.yaml`/`*.yml` file directly in `dir`, in name order (as `kubectl apply -f dir`). */
export async function readManifestDir(
  dir: string,
  previous?: ReadonlyMap<string, { spec: MixpanelDataflowSpec }>,
): Promise<ManifestSet> {
  const set = emptyManifestSet();
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && MANIFEST_FILE.test(e.name))
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      set.brokenFiles.add(file);
      set.problems.push({ file, document: 0, message: MANIFEST_MESSAGES.unreadable((err as Error).message) });
      continue;
    }
    addManifestFile(set, file, text, previous);
  }
  return set;
}

/** Names of the Secrets a spec references (always in the dataflow's own namespace). */
export function referencedSecretNames(spec: MixpanelDataflowSpec): string[] {
  return [...new Set([spec.platform.credentialsSecretRef.name, spec.source.credentialsSecretRef.name])];
}

/** The decoded Secrets a dataflow references, by name; a missing Secret is `undefined`. */
export function secretsFor(
  set: Pick<ManifestSet, 'secrets'>,
  namespace: string,
  spec: MixpanelDataflowSpec,
): Record<string, Record<string, string> | undefined> {
  return Object.fromEntries(
    referencedSecretNames(spec).map((n) => [n, set.secrets.get(`${namespace}/${n}`)]),
  );
}

/** One line per problem: `file (document N) field: message`. */
export function describeProblem(p: ManifestProblem): string {
  const where = p.document > 0 ? `${p.file} (document ${p.document})` : p.file;
  return `${where}${p.key ? ` ${p.key}` : ''}${p.field ? ` ${p.field}` : ''}: ${p.message}`;
}
