/** Matches concrete request paths against Adobe's published OpenAPI files (read from ../shared). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

// Relative to the repository root (jest's working directory), as the team brief prescribes.
const OPENAPI_DIR = resolve(process.cwd(), '../shared/reference/openapi');

// Each spec's paths are relative to its server / basePath (fact sheet §1).
const SPECS = [
  { file: 'flow-service.yaml', base: '/data/foundation/flowservice' },
  { file: 'data-prep.yaml', base: '/data/foundation/conversion' },
  { file: 'catalog.yaml', base: '/data/foundation/catalog' },
  { file: 'schema-registry.yaml', base: '/data/foundation/schemaregistry' },
] as const;

interface Route {
  file: string;
  template: string;
  segments: string[];
  methods: Set<string>;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function loadRoutes(): Route[] {
  return SPECS.flatMap(({ file, base }) => {
    const doc = parse(readFileSync(resolve(OPENAPI_DIR, file), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    return Object.entries(doc.paths).map(([template, item]) => ({
      file,
      template,
      segments: segmentsOf(base + template),
      methods: new Set(Object.keys(item).map((m) => m.toUpperCase())),
    }));
  });
}

let routes: Route[] | undefined;

/** The OpenAPI route (file and template) that documents `method path`, or undefined. */
export function documentedRoute(
  method: string,
  path: string,
): { file: string; template: string } | undefined {
  routes ??= loadRoutes();
  const actual = segmentsOf(path);
  const candidates = routes.filter(
    (r) =>
      r.methods.has(method) &&
      r.segments.length === actual.length &&
      r.segments.every((seg, i) => /^\{.+\}$/.test(seg) || seg === actual[i]),
  );
  // Prefer the most literal match (`/connections/search` over `/connections/{ID}`).
  candidates.sort((a, b) => literalCount(b) - literalCount(a));
  const best = candidates[0];
  return best ? { file: best.file, template: best.template } : undefined;
}

function literalCount(r: Route): number {
  return r.segments.filter((s) => !/^\{.+\}$/.test(s)).length;
}
