import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layer rules (see README "Layout"): dependencies point inward. flowservice/ knows nothing
// of Kubernetes; runtime/ knows nothing of Adobe; the simulator shares no code with the client.
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

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
  {
    files: ['controller/flowservice/**/*.ts'],
    rules: restrict([
      { group: ['@kubernetes/client-node'], message: 'flowservice/ must not depend on Kubernetes.' },
      {
        group: ['**/reconcile/**', '**/runtime/**', '**/simulator/**'],
        message: 'flowservice/ is a leaf layer.',
      },
    ]),
  },
  {
    files: ['controller/reconcile/**/*.ts'],
    rules: restrict([
      {
        group: ['@kubernetes/client-node', 'undici'],
        message: 'reconcile/ knows neither HTTP nor Kubernetes clients.',
      },
      {
        group: ['**/runtime/**', '**/simulator/**'],
        message: 'reconcile/ must not import runtime/ or simulator/.',
      },
    ]),
  },
  {
    files: ['controller/runtime/**/*.ts'],
    rules: restrict([
      {
        group: ['undici', '**/flowservice/**', '**/simulator/**'],
        message: 'runtime/ knows nothing of Adobe.',
      },
    ]),
  },
  {
    files: ['simulator/**/*.ts'],
    rules: restrict([
      {
        group: ['**/controller/**'],
        message: 'The simulator is written from Adobe docs, independently of the client.',
      },
    ]),
  },
);
