/** Jest runs TypeScript as native ESM (`node --experimental-vm-modules`), transpiled by swc.
 * Type checking is `npm run typecheck`, not the test run, so tests start fast on 2 cores. */
const project = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import './x.js' (NodeNext); map that back to the .ts file for jest.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Every request the Flow Service client makes is held to Adobe's documented forms (see the file).
  setupFilesAfterEnv: ['<rootDir>/test/support/contract-check.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
    ],
  },
};

export default {
  // Two projects so unit-only runs stay fast: jest runs a project's globalSetup only when the run
  // includes one of its tests, so the real kube-apiserver + etcd start only for *.cluster.test.ts.
  projects: [
    {
      ...project,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.cluster\\.test\\.ts$'],
    },
    {
      ...project,
      displayName: 'cluster',
      testMatch: ['**/*.cluster.test.ts'],
      globalSetup: '<rootDir>/test/cluster/global-setup.js',
      globalTeardown: '<rootDir>/test/cluster/global-teardown.js',
    },
  ],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
