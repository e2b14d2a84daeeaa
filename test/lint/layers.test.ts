/**
 * The layer fences of eslint.config.js, exercised through ESLint's Node API on fixture imports:
 * every folder under controller/ and simulator/ has a fence, each fence rejects the imports the
 * README's Layout forbids (and lets the allowed ones through), so a change against the direction
 * fails `npm run lint`.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RULE = '@typescript-eslint/no-restricted-imports';
const eslint = new ESLint({ cwd: ROOT });

type Layer = { may: string[]; types?: string[]; packages: string[] };
// The config is plain JavaScript (ESLint loads it as is): read its LAYERS table at run time.
const CONFIG: string = '../../eslint.config.js';
const layers = ((await import(CONFIG)) as { LAYERS: Record<string, Layer> }).LAYERS;

/** The fence violations ESLint reports for `code` placed in `folder`. */
async function violations(folder: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, folder, '__fixture__.ts') });
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).map((m) => m.message);
}

const subfolders = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [`${dir}/${e.name}`, ...subfolders(`${dir}/${e.name}`)]);

const CONTROLLER_FOLDERS = Object.keys(layers).filter((f) => f.startsWith('controller/'));
const PARTS = [...CONTROLLER_FOLDERS.map((f) => f.slice('controller/'.length)), 'config.js', 'logging.js'];

const specifier = (from: string, part: string) =>
  `${from === 'controller' ? './' : '../'}${part.endsWith('.js') ? part : `${part}/index.js`}`;

describe('layer fences', () => {
  it('name every folder under controller/ and simulator/', () => {
    for (const folder of [...subfolders('controller'), 'simulator', ...subfolders('simulator')])
      expect({ folder, fenced: folder in layers }).toEqual({ folder, fenced: true });
  });

  it.each(CONTROLLER_FOLDERS.concat('controller'))(
    '%s imports only what its fence allows',
    async (folder) => {
      const { may, types = [] } = layers[folder]!;
      const own = folder.split('/').at(-1);
      for (const part of PARTS) {
        if (part === own || (folder === 'controller' && part.endsWith('.js'))) continue;
        const from = specifier(folder, part);
        const value = await violations(folder, `import { x } from '${from}';\nexport { x };\n`);
        const typeOnly = await violations(folder, `import type { X } from '${from}';\nexport type { X };\n`);
        const allowed = may.includes(part);
        expect({ folder, part, value: value.length > 0 }).toEqual({ folder, part, value: !allowed });
        expect({ folder, part, typeOnly: typeOnly.length > 0 }).toEqual({
          folder,
          part,
          typeOnly: !allowed && !types.includes(part),
        });
      }
    },
  );

  it.each([
    {
      reason: 'reconcile/ takes the Action type from runtime/',
      folder: 'controller/reconcile',
      from: '../runtime/action.js',
      rejected: false,
    },
    {
      reason: 'reconcile/ takes nothing else from runtime/',
      folder: 'controller/reconcile',
      from: '../runtime/controller.js',
      rejected: true,
    },
    {
      reason: 'local mode loads the simulator only lazily',
      folder: 'controller/local',
      from: '../../simulator/index.js',
      rejected: true,
    },
    {
      reason: 'the simulator shares no code with the client',
      folder: 'simulator',
      from: '../controller/api/index.js',
      rejected: true,
    },
    {
      reason: 'simulator route handlers stay below its assembly',
      folder: 'simulator/flowservice',
      from: '../index.js',
      rejected: true,
    },
    {
      reason: 'the Flow Service client knows nothing of Kubernetes',
      folder: 'controller/flowservice',
      from: '@kubernetes/client-node',
      rejected: true,
    },
    {
      reason: 'the engine knows nothing of HTTP',
      folder: 'controller/reconcile',
      from: 'undici',
      rejected: true,
    },
  ])('$reason', async ({ folder, from, rejected }) => {
    const found = await violations(folder, `export { x } from '${from}';\n`);
    expect(found.length > 0).toBe(rejected);
  });
});
