/** Loads Adobe's OpenAPI files (read at test time from AEP_OPENAPI_DIR, never copied) and
 * compiles component schemas with ajv, after recording where the simulator follows the docs instead. */
import { describe, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/** Where Adobe's OpenAPI files live: `AEP_OPENAPI_DIR`, else ../shared/reference/openapi beside the
 * repository (they are read there, never copied into the project). */
export const OPENAPI_DIR = resolve(
  process.cwd(),
  process.env['AEP_OPENAPI_DIR'] ?? '../shared/reference/openapi',
);

/**
 * Whether the cross-checks against Adobe's files run. They must when the files were pointed at
 * (`AEP_OPENAPI_DIR`) or when CI has `../shared` beside the clone (the project's CI always does):
 * then missing files fail. A clone with nothing beside it prints one line and runs the suite's
 * own checks only.
 */
export function openApiMode(): 'run' | 'missing' | 'absent' {
  if (openApiAvailable()) return 'run';
  const required =
    process.env['AEP_OPENAPI_DIR'] !== undefined ||
    (process.env['CI'] === 'true' && existsSync(resolve(process.cwd(), '../shared')));
  return required ? 'missing' : 'absent';
}

const announced = new Set<string>();

/**
 * `describe` for a cross-check against Adobe's files: runs when they are there, fails when they are
 * required and missing, and otherwise registers nothing and prints one line saying what did not run.
 */
export function describeWithOpenApi(name: string, fn: () => void): void {
  const mode = openApiMode();
  if (mode === 'run') return describe(name, fn);
  if (mode === 'missing') {
    return describe(name, () => {
      it(`needs Adobe's OpenAPI files in ${OPENAPI_DIR}`, () => {
        throw new Error(`Adobe's OpenAPI files are missing from ${OPENAPI_DIR} (set AEP_OPENAPI_DIR)`);
      });
    });
  }
  if (announced.has(name)) return;
  announced.add(name);
  process.stdout.write(
    `not run: ${name} (no Adobe OpenAPI files in ${OPENAPI_DIR}; set AEP_OPENAPI_DIR to run it)\n`,
  );
}

/** A place where Adobe's OAS and its documentation disagree and the simulator follows the docs. */
export interface Deviation {
  file: string;
  /** JSON pointer into the OAS document. */
  pointer: string;
  /** What the OAS says there now (checked, so a fixed OAS is noticed). */
  oas: unknown;
  /** The schema the simulator is held to instead. */
  docs: unknown;
  reason: string;
}

/** Every documented deviation, with its source. */
export const DEVIATIONS: Deviation[] = [
  {
    file: 'flow-service.yaml',
    pointer: '/components/schemas/ScheduleSpecDTO/properties/startTime/type',
    oas: 'integer',
    docs: ['integer', 'string'],
    reason: 'EN update-dataflows.md GET example returns "startTime":"1612310466" (a string)',
  },
  {
    file: 'flow-service.yaml',
    pointer: '/components/schemas/ScheduleSpecDTO/properties/backfill/type',
    oas: 'boolean',
    docs: ['boolean', 'string'],
    reason: 'EN update-dataflows.md GET example returns "backfill":"true" (a string)',
  },
  {
    file: 'flow-service.yaml',
    pointer: '/components/schemas/FlowSpecItemDTO/properties/transformationSpecs/type',
    oas: 'object',
    docs: ['array', 'object'],
    reason: 'EN sources-sdk/api/update-flow-specs.md shows transformationSpecs as an array of {name, spec}',
  },
  {
    file: 'data-prep.yaml',
    pointer: '/components/schemas/MappingSet/properties/createdDate',
    oas: { type: 'string', format: 'date-time' },
    docs: { type: 'integer' },
    reason: 'EN data-prep/api/mapping-set.md responses carry epoch-millisecond numbers',
  },
  {
    file: 'data-prep.yaml',
    pointer: '/components/schemas/MappingSet/properties/modifiedDate',
    oas: { type: 'string', format: 'date-time' },
    docs: { type: 'integer' },
    reason: 'EN data-prep/api/mapping-set.md responses carry epoch-millisecond numbers',
  },
  {
    file: 'data-prep.yaml',
    pointer: '/components/schemas/MappingOperation/properties/createdDate',
    oas: { type: 'string', format: 'date-time' },
    docs: { type: 'integer' },
    reason: 'DP-OAS own MappingOperation example has createdDate: 1614909614000',
  },
  {
    file: 'data-prep.yaml',
    pointer: '/components/schemas/MappingOperation/properties/modifiedDate',
    oas: { type: 'string', format: 'date-time' },
    docs: { type: 'integer' },
    reason: 'DP-OAS own MappingOperation example has modifiedDate: 1614909614000',
  },
  {
    file: 'data-prep.yaml',
    pointer: '/components/schemas/MappingOperation/properties/sourceType',
    oas: { $ref: '#/components/schemas/SourceType' },
    docs: { enum: ['text/x.schema-path', 'text/x.aep-xl', 'text/plain'] },
    reason:
      'EN data-prep mapping-set.md: stored sourceType is normalised to MIME-like values (DP-OAS example too)',
  },
];

function at(doc: unknown, pointer: string): { parent: Record<string, unknown>; key: string } {
  const parts = pointer.split('/').slice(1);
  let node = doc as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
  return { parent: node, key: parts[parts.length - 1]! };
}

/** Whether the OpenAPI files are present. */
export function openApiAvailable(): boolean {
  return (
    existsSync(resolve(OPENAPI_DIR, 'flow-service.yaml')) &&
    existsSync(resolve(OPENAPI_DIR, 'data-prep.yaml'))
  );
}

/** Compiles `#/components/schemas/<name>` validators for one file, deviations applied. */
export function loadValidators(file: string): {
  validator(name: string): ValidateFunction;
  deviationsChecked: string[];
} {
  const doc = parse(readFileSync(resolve(OPENAPI_DIR, file), 'utf8')) as Record<string, unknown>;
  const checked: string[] = [];
  for (const d of DEVIATIONS.filter((x) => x.file === file)) {
    const { parent, key } = at(doc, d.pointer);
    if (JSON.stringify(parent[key]) !== JSON.stringify(d.oas)) {
      throw new Error(
        `OAS changed at ${file}#${d.pointer}: ${JSON.stringify(parent[key])} (deviation: ${d.reason})`,
      );
    }
    parent[key] = d.docs;
    checked.push(d.pointer);
  }
  const ajv = new Ajv({ strict: false, validateSchema: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc, file);
  return {
    validator: (name) => {
      const v = ajv.getSchema(`${file}#/components/schemas/${name}`);
      if (!v) throw new Error(`no schema ${name} in ${file}`);
      return v;
    },
    deviationsChecked: checked,
  };
}
