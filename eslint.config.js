import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layer fences (README "Layout"): every folder under controller/ and simulator/, with what it may
 * import from the others. Dependencies point inward; anything not listed is rejected by lint, so a
 * new import against the direction fails `npm run lint` (test/lint/layers.test.ts proves it, and
 * fails when a folder is added without a line here).
 *
 * `types` entries may be imported with `import type` only. `packages` are npm packages the layer
 * must not use. The simulator and `plan`/local mode: local/ and plan/ load the simulator lazily
 * (`await import`) so that, pointed at Adobe, they never load it; a static import is rejected.
 */
export const LAYERS = {
  'controller/util': { may: [], packages: ['@kubernetes/client-node', 'undici'] },
  'controller/api': { may: ['util'], packages: ['@kubernetes/client-node', 'undici'] },
  'controller/flowservice': { may: ['util'], packages: ['@kubernetes/client-node'] },
  'controller/runtime': { may: ['util'], packages: ['undici'] },
  'controller/reconcile': {
    may: ['api', 'util', 'runtime/action.js'],
    packages: ['@kubernetes/client-node', 'undici'],
  },
  'controller/adobe': {
    may: ['api', 'util', 'flowservice', 'reconcile'],
    packages: ['@kubernetes/client-node'],
  },
  'controller/metrics': {
    may: ['api', 'util', 'reconcile', 'runtime'],
    types: ['flowservice'],
    packages: ['@kubernetes/client-node', 'undici'],
  },
  'controller/offline': {
    may: ['api', 'util'],
    types: ['reconcile'],
    packages: ['@kubernetes/client-node', 'undici'],
  },
  'controller/manager': {
    may: ['api', 'util', 'runtime', 'metrics', 'config.js'],
    types: ['reconcile'],
    packages: ['undici'],
  },
  'controller/local': {
    may: ['api', 'util', 'runtime', 'metrics', 'reconcile', 'adobe', 'offline', 'config.js', 'logging.js'],
    packages: ['@kubernetes/client-node'],
  },
  'controller/plan': {
    may: ['api', 'util', 'reconcile', 'adobe', 'offline'],
    packages: ['@kubernetes/client-node'],
  },
  // The process entry points and their flags: the cluster wiring, never local mode or plan.
  controller: {
    may: ['api', 'util', 'flowservice', 'runtime', 'reconcile', 'adobe', 'metrics', 'manager'],
    packages: [],
  },
  simulator: { may: [], packages: ['@kubernetes/client-node'] },
  'simulator/flowservice': { may: [], packages: ['@kubernetes/client-node'] },
};

/** Folders and root modules of controller/ an import can name. */
const CONTROLLER_PARTS = [
  ...Object.keys(LAYERS)
    .filter((f) => f.startsWith('controller/'))
    .map((f) => f.slice('controller/'.length)),
  'config.js',
  'logging.js',
  'main.js',
];

/** The patterns that reject every import of `folder` its entry does not allow. */
function fence(folder) {
  const { may, types = [], packages } = LAYERS[folder];
  const inSimulator = folder.startsWith('simulator');
  const own = folder.split('/').at(-1);
  const up = folder === 'controller' ? './' : '../';
  const message = `${folder}/ may import only ${[...may, ...types.map((t) => `${t} (types)`)].join(', ') || 'its own modules'} (README "Layout", eslint.config.js LAYERS).`;
  const patterns = packages.length
    ? [{ group: packages, message: `${folder}/ must not use ${packages.join(' or ')}.` }]
    : [];
  if (inSimulator) {
    patterns.push({
      group: ['**/controller/**'],
      message: 'The simulator is written from Adobe docs, independently of the client.',
    });
    // The simulator's route handlers are below its assembly (index, server, control, main).
    if (folder === 'simulator/flowservice')
      patterns.push({
        group: ['../index.js', '../server.js', '../control.js', '../main.js'],
        message: 'simulator/flowservice/ handlers must not import the simulator assembly.',
      });
    return patterns;
  }
  patterns.push({
    group: ['**/simulator/**'],
    message: `${folder}/ must not import the simulator statically.`,
  });
  for (const part of CONTROLLER_PARTS) {
    if (part === own) continue;
    const isFile = part.endsWith('.js');
    if (may.includes(part) || (isFile && folder === 'controller')) continue;
    const allowedFile = may.filter((m) => m.startsWith(`${part}/`));
    const group = isFile ? [`${up}${part}`] : [`${up}${part}/**`, ...allowedFile.map((m) => `!${up}${m}`)];
    patterns.push({ group, message, ...(types.includes(part) ? { allowTypeImports: true } : {}) });
  }
  return patterns;
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.cluster/**', 'charts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // CommonJS helpers (jest reporters) run under Node.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { process: 'readonly', module: 'writable', require: 'readonly' },
    },
  },
  ...Object.keys(LAYERS).map((folder) => ({
    files: [`${folder}/*.ts`],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: fence(folder) }],
    },
  })),
);
