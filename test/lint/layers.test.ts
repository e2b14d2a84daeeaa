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

  it('lets reconcile/ take the Action type from runtime/ but nothing else of it', async () => {
    expect(
      await violations('controller/reconcile', `export { Action } from '../runtime/action.js';\n`),
    ).toEqual([]);
    expect(
      await violations(
        'controller/reconcile',
        `import { Controller } from '../runtime/controller.js';\nexport { Controller };\n`,
      ),
    ).toHaveLength(1);
  });

  it('rejects a static import of the simulator from the controller, and of the controller from the simulator', async () => {
    expect(
      await violations(
        'controller/local',
        `import { startSimulator } from '../../simulator/index.js';\nexport { startSimulator };\n`,
      ),
    ).toHaveLength(1);
    expect(
      await violations('simulator', `import { KIND } from '../controller/api/index.js';\nexport { KIND };\n`),
    ).toHaveLength(1);
    expect(
      await violations(
        'simulator/flowservice',
        `import { startSimulator } from '../index.js';\nexport { startSimulator };\n`,
      ),
    ).toHaveLength(1);
  });

  it('keeps Kubernetes out of the Flow Service client and HTTP out of the engine', async () => {
    expect(
      await violations(
        'controller/flowservice',
        `import { KubeConfig } from '@kubernetes/client-node';\nexport { KubeConfig };\n`,
      ),
    ).toHaveLength(1);
    expect(
      await violations('controller/reconcile', `import { request } from 'undici';\nexport { request };\n`),
    ).toHaveLength(1);
  });
});
