/** `npm run generate`: writes the CRD (and the chart's copy) and the TS types from controller/api's schema source. */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { renderCrdYaml } from '../controller/api/render-crd.js';
import { renderTypes } from '../controller/api/render-types.js';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Files the generator owns, relative to the repository root. */
export const GENERATED = {
  crd: 'crds/aepflows.io_mixpaneldataflows.yaml',
  /** The chart ships the same CRD (it cannot read files outside its folder). */
  chartCrd: 'charts/mixpanel-dataflow-controller/files/crds/aepflows.io_mixpaneldataflows.yaml',
  types: 'controller/api/types.generated.ts',
} as const;

/** The content every generated file must have, keyed by its path. */
export async function generatedFiles(): Promise<Record<string, string>> {
  const typesPath = join(ROOT, GENERATED.types);
  const options = (await resolveConfig(typesPath)) ?? {};
  const crd = renderCrdYaml();
  return {
    [GENERATED.crd]: crd,
    [GENERATED.chartCrd]: crd,
    [GENERATED.types]: await format(renderTypes(), { ...options, filepath: typesPath }),
  };
}

/** Paths whose committed content differs from what the schema generates. */
export async function driftedFiles(root = ROOT): Promise<string[]> {
  const drifted: string[] = [];
  for (const [path, content] of Object.entries(await generatedFiles())) {
    const current = await readFile(join(root, path), 'utf8').catch(() => '');
    if (current !== content) drifted.push(path);
  }
  return drifted;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  if (check) {
    const drifted = await driftedFiles();
    for (const path of drifted) console.error(`out of date: ${path} (run npm run generate)`);
    process.exitCode = drifted.length > 0 ? 1 : 0;
    return;
  }
  for (const [path, content] of Object.entries(await generatedFiles())) {
    await writeFile(join(ROOT, path), content);
    console.log(`wrote ${path}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
