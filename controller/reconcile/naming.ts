/**
 * Deterministic names of the Adobe resources a CR owns.
 *
 * Adobe assigns ids on create, so a crash between a create and the status write would leak or
 * duplicate a resource. Every name is derived from the CR's uid, the parameters that force a
 * replacement, and the id being replaced ("predecessor"), so (1) a restarted engine finds by name
 * exactly what it created before the crash, and (2) an old and a new resource of a replace have
 * different names and can coexist until the old one is deleted.
 */
import { stableHash } from './hash.js';

/** Prefix shared by every resource the controller creates. */
export const NAME_PREFIX = 'mpdf';

/** The links of the chain, in creation order. */
export const LINKS = [
  'baseConnection',
  'sourceConnection',
  'targetConnection',
  'mappingSet',
  'flow',
] as const;

/** One link of the chain. */
export type Link = (typeof LINKS)[number];

const SHORT: Record<Link, string> = {
  baseConnection: 'base',
  sourceConnection: 'source',
  targetConnection: 'target',
  mappingSet: 'mapping',
  flow: 'flow',
};

/**
 * Name of a resource for `link` owned by CR `uid`. `forcing` holds the values whose change forces
 * a replacement; `predecessor` is the id currently recorded in status for that link (or '').
 */
export function resourceName(
  uid: string,
  link: Link,
  forcing: readonly string[],
  predecessor: string,
): string {
  const key = stableHash({ forcing, predecessor }, 10);
  return `${NAME_PREFIX}-${uid}-${SHORT[link]}-${key}`;
}

/** Name of a CR's mapping set: updated in place, never replaced, so one name per CR. */
export const mappingSetName = (uid: string): string => resourceName(uid, 'mappingSet', [], '');

/**
 * The names a CR's first create of each link gets (no predecessor): what a restarted engine, or
 * one whose status was lost, looks up. The source's name depends on the base connection it reads
 * through, so it needs the base's id.
 */
export function firstCreateNames(uid: string, pairKey: readonly string[]) {
  return {
    baseConnection: resourceName(uid, 'baseConnection', [], ''),
    targetConnection: resourceName(uid, 'targetConnection', pairKey, ''),
    sourceConnection: (baseId: string) => resourceName(uid, 'sourceConnection', [...pairKey, baseId], ''),
    mappingSet: mappingSetName(uid),
  };
}

/** True when `name` is one the controller gave a resource of CR `uid` (any link, any predecessor). */
export const ownedBy = (uid: string, name: string | undefined): boolean =>
  name?.startsWith(`${NAME_PREFIX}-${uid}-`) ?? false;

/** The values whose change replaces the source/target pair, in the order names hash them. */
export const pairKeyOf = (spec: {
  source: { projectId: string; timezone: string };
  target: { datasetId: string; schemaId: string };
}): string[] => [spec.source.projectId, spec.source.timezone, spec.target.datasetId, spec.target.schemaId];

/** Description put on every resource so a human reading Adobe's UI knows where it comes from. */
export function ownerDescription(namespace: string, name: string): string {
  return `Managed by the MixpanelDataflow controller for ${namespace}/${name}`;
}
