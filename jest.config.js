/**
 * One run covers the unit specs beside the code (src/**\/*.spec.ts) and the end-to-end specs (test/**\/*.e2e-spec.ts).
 * NestJS 12 ships ES modules only, so Jest runs in its ESM mode (NODE_OPTIONS=--experimental-vm-modules, set by
 * the npm test script), which PGlite needs as well.
 */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
