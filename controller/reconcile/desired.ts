/** Pure: spec + Secret contents → the desired chain, or the missing Secret/key that blocks it. */
import { PLATFORM_SECRET_KEYS, SOURCE_SECRET_KEYS } from '../api/index.js';
import { secretValueProblem } from './secret-values.js';
import { statusHash } from './hash.js';
import { ownerDescription, pairKeyOf } from './naming.js';
import type { MappingRow, PlatformCredentials, FlowSchedule } from './ports.js';
import type { DataflowObject, DataflowSpec, MappingSpec } from './types.js';

/** Decoded content of one Secret (key → value). */
export type SecretData = Readonly<Record<string, string>>;

/** Secrets of the CR's namespace by name; `undefined` when the Secret does not exist. */
export type SecretsByName = Readonly<Record<string, SecretData | undefined>>;

/** A Secret, or a key in it, that is missing, or a value that cannot be a credential. */
export interface MissingSecret {
  secret: string;
  key?: string;
  /** Set when the key has a value that cannot be used: what is wrong with it ("it …"). */
  problem?: string;
}

/** Either a value or the missing Secret that prevents it. */
export type Resolved<T> = { ok: true; value: T } | { ok: false; missing: MissingSecret };

/** Platform credentials plus a salted hash of them. */
export interface ResolvedPlatform {
  credentials: PlatformCredentials;
  hash: string;
}

/** Mixpanel credentials plus a salted hash of them. */
export interface ResolvedMixpanel {
  username: string;
  password: string;
  hash: string;
}

function readKeys<K extends string>(
  secrets: SecretsByName,
  name: string,
  required: readonly K[],
): Resolved<Record<K, string>> {
  const data = secrets[name];
  if (!data) return { ok: false, missing: { secret: name } };
  const out = {} as Record<K, string>;
  for (const key of required) {
    const value = data[key];
    if (value === undefined || value === '') return { ok: false, missing: { secret: name, key } };
    const problem = secretValueProblem(value);
    if (problem) return { ok: false, missing: { secret: name, key, problem } };
    out[key] = value;
  }
  return { ok: true, value: out };
}

/** Resolves the platform credentials Secret. The hash is salted with the CR uid. */
export function resolvePlatform(obj: DataflowObject, secrets: SecretsByName): Resolved<ResolvedPlatform> {
  const name = obj.spec.platform.credentialsSecretRef.name;
  const { clientId, clientSecret, orgId } = PLATFORM_SECRET_KEYS;
  const keys = readKeys(secrets, name, [clientId, clientSecret, orgId] as const);
  if (!keys.ok) return keys;
  const scopes = secrets[name]?.[PLATFORM_SECRET_KEYS.scopes];
  const problem = scopes ? secretValueProblem(scopes) : undefined;
  if (problem) return { ok: false, missing: { secret: name, key: PLATFORM_SECRET_KEYS.scopes, problem } };
  const credentials: PlatformCredentials = { ...keys.value, sandbox: obj.spec.platform.sandbox };
  if (scopes) credentials.scopes = scopes;
  return { ok: true, value: { credentials, hash: statusHash({ salt: obj.uid, credentials }) } };
}

/** Resolves the Mixpanel service account Secret. The hash is salted with the CR uid. */
export function resolveMixpanel(obj: DataflowObject, secrets: SecretsByName): Resolved<ResolvedMixpanel> {
  const { username: u, password: p } = SOURCE_SECRET_KEYS;
  const keys = readKeys(secrets, obj.spec.source.credentialsSecretRef.name, [u, p] as const);
  if (!keys.ok) return keys;
  const { username, password } = keys.value;
  return { ok: true, value: { username, password, hash: statusHash({ salt: obj.uid, username, password }) } };
}

/** The chain the spec asks for (ids of dependencies are filled in when acting). */
export interface DesiredChain {
  uid: string;
  description: string;
  mixpanel: ResolvedMixpanel;
  source: { projectId: string; timezone: string };
  target: { datasetId: string; schemaId: string };
  /** Values whose change replaces the source/target pair and the flow. */
  pairKey: string[];
  mapping: { schemaId: string; mappings: MappingRow[] };
  flow: { name: string; description: string; schedule: FlowSchedule; enabled: boolean };
}

/** Mapping rows in Data Prep terms: `source` → ATTRIBUTE, `expression` → EXPRESSION. */
export function mappingRows(mappings: readonly MappingSpec[]): MappingRow[] {
  return mappings.map((m) =>
    m.expression !== undefined
      ? { sourceType: 'EXPRESSION', source: m.expression, destination: m.destination }
      : { sourceType: 'ATTRIBUTE', source: m.source ?? '', destination: m.destination },
  );
}

/** The schedule in Adobe's units (startTime in epoch seconds; absent when the spec has none). */
export function flowSchedule(spec: DataflowSpec['schedule']): FlowSchedule {
  const out: FlowSchedule = { frequency: spec.frequency };
  if (spec.frequency !== 'once' && spec.interval !== undefined) out.interval = spec.interval;
  if (spec.startTime) out.startTime = Math.floor(Date.parse(spec.startTime) / 1000);
  return out;
}

/** Builds the desired chain from the spec and the resolved Mixpanel credentials. */
export function desiredChain(obj: DataflowObject, mixpanel: ResolvedMixpanel): DesiredChain {
  const { spec } = obj;
  const description = ownerDescription(obj.namespace, obj.name);
  const { projectId, timezone } = spec.source;
  const { datasetId, schemaId } = spec.target;
  return {
    uid: obj.uid,
    description,
    mixpanel,
    source: { projectId, timezone },
    target: { datasetId, schemaId },
    pairKey: pairKeyOf(spec),
    mapping: { schemaId, mappings: mappingRows(spec.mappings) },
    flow: {
      name: spec.displayName ?? `${obj.namespace}/${obj.name}`,
      description: spec.description ?? description,
      schedule: flowSchedule(spec.schedule),
      enabled: spec.enabled ?? true,
    },
  };
}
