/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// Nest 12 and our packages are ES modules: Jest runs in its native ESM mode
// (`node --experimental-vm-modules`, see the `test` script) and SWC compiles TypeScript to ESM
// with the decorator metadata Nest's dependency injection reads.
const swc: [string, Record<string, unknown>] = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const shared: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.(ts|js)$': swc },
  // Jest on Node < 24.9 cannot require() an ES module, which @fastify/static (CJS) does with
  // content-disposition (ESM only): let SWC compile that one package to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?content-disposition/)'],
  moduleNameMapper: {
    // Workspace packages resolve to their sources, so tests never run stale builds.
    '^@leadflow/integration-(.+)$': '<rootDir>/packages/integrations/$1/src/index.ts',
    '^@leadflow/(contracts|domain|config|db|queue|runtime|simulators|application|api-client)$': '<rootDir>/packages/$1/src/index.ts',
    // Sources import siblings as `./x.js` (NodeNext); Jest finds the `.ts`.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

const config: Config = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      // Pure code and clients against local HTTP simulators: no Postgres, no Redis.
      testMatch: ['<rootDir>/{apps,packages}/**/src/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      // Real Postgres, real Redis and Bull, real HTTP: one fresh database per test file.
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
  ],
  testTimeout: 30_000,
};

export default config;
