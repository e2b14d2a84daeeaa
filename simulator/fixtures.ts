/**
 * Fixtures: XDM schemas and Catalog datasets that exist from the start, with fixed ids. Adobe assigns
 * these ids itself, so manifests written for one org only work where the same ids exist; fixtures
 * let the examples (examples/simulator/fixtures.json) run against a fresh simulator unchanged.
 */
import { readFileSync } from 'node:fs';
import type { Sim } from './context.js';
import { sandboxId } from './context.js';
import { randomHex } from './ids.js';
import { XDM_CLASSES } from './schemaregistry.js';
import type { Scope } from './store.js';

/** One schema fixture (`class` defaults to XDM ExperienceEvent). */
export interface SchemaFixture {
  sandbox: string;
  $id: string;
  title: string;
  class?: string;
  description?: string;
}

/** One dataset fixture; its schema must be a schema fixture of the same sandbox. */
export interface DatasetFixture {
  sandbox: string;
  id: string;
  name: string;
  schemaId: string;
  description?: string;
}

/** The fixture file's shape. `orgId` defaults to the simulator's default org. */
export interface SimulatorFixtures {
  orgId?: string;
  tenantId?: string;
  schemas?: SchemaFixture[];
  datasets?: DatasetFixture[];
}

/** Error messages of fixture loading. */
export const FIXTURE_ERRORS = {
  notObject: 'fixtures must be a JSON object',
  badSchema: (i: number) => `schemas[${i}] needs string sandbox, $id and title`,
  badClass: (i: number, c: string) => `schemas[${i}].class ${c} is not an XDM class the simulator knows`,
  badDataset: (i: number) => `datasets[${i}] needs string sandbox, id, name and schemaId`,
  unknownSchema: (i: number, id: string) => `datasets[${i}].schemaId ${id} is not a schema fixture`,
} as const;

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Checks the shape of parsed fixtures; throws an Error naming the first bad entry. */
export function parseFixtures(value: unknown): SimulatorFixtures {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(FIXTURE_ERRORS.notObject);
  const f = value as SimulatorFixtures;
  const schemas = f.schemas ?? [];
  schemas.forEach((s, i) => {
    if (!isText(s.sandbox) || !isText(s.$id) || !isText(s.title))
      throw new Error(FIXTURE_ERRORS.badSchema(i));
    if (s.class !== undefined && !(XDM_CLASSES as readonly string[]).includes(s.class))
      throw new Error(FIXTURE_ERRORS.badClass(i, s.class));
  });
  (f.datasets ?? []).forEach((d, i) => {
    if (!isText(d.sandbox) || !isText(d.id) || !isText(d.name) || !isText(d.schemaId))
      throw new Error(FIXTURE_ERRORS.badDataset(i));
    if (!schemas.some((s) => s.$id === d.schemaId && s.sandbox === d.sandbox))
      throw new Error(FIXTURE_ERRORS.unknownSchema(i, d.schemaId));
  });
  return f;
}

/** Reads and checks a fixture file. */
export function readFixtures(path: string): SimulatorFixtures {
  return parseFixtures(JSON.parse(readFileSync(path, 'utf8')));
}

/** Inserts the fixtures into the store (documents shaped as the create endpoints shape them). */
export function loadFixtures(sim: Sim, fixtures: SimulatorFixtures): void {
  const orgId = fixtures.orgId ?? sim.config.orgId;
  const tenant = sim.tenantOf(orgId);
  const now = sim.clock.now();
  for (const s of fixtures.schemas ?? []) {
    const scope: Scope = { orgId, sandboxName: s.sandbox };
    const cls = s.class ?? XDM_CLASSES[0];
    const hex = s.$id.slice(s.$id.lastIndexOf('/') + 1);
    sim.store.insert(scope, 'schemas', s.$id, {
      $id: s.$id,
      'meta:altId': `_${tenant}.schemas.${hex}`,
      'meta:resourceType': 'schemas',
      version: '1.0',
      title: s.title,
      type: 'object',
      description: s.description ?? '',
      allOf: [{ $ref: cls }],
      refs: [cls],
      required: cls === XDM_CLASSES[0] ? ['_id', 'timestamp'] : [],
      imsOrg: orgId,
      'meta:extensible': false,
      'meta:abstract': false,
      'meta:extends': [cls],
      'meta:xdmType': 'object',
      'meta:class': cls,
      'meta:containerId': 'tenant',
      'meta:tenantNamespace': `_${tenant}`,
      'meta:registryMetadata': { 'repo:createdDate': now, 'repo:lastModifiedDate': now },
    });
  }
  for (const d of fixtures.datasets ?? []) {
    const scope: Scope = { orgId, sandboxName: d.sandbox };
    sim.store.insert(scope, 'dataSets', d.id, {
      name: d.name,
      description: d.description ?? '',
      imsOrg: orgId,
      sandboxId: sandboxId({ ...scope, clientId: '' }),
      tags: {},
      version: '1.0.0',
      created: now,
      updated: now,
      viewId: randomHex(24),
      files: `@/dataSetFiles?dataSetId=${d.id}`,
      schemaRef: { id: d.schemaId, contentType: 'application/vnd.adobe.xed+json;version=1' },
    });
  }
}
