/**
 * One run covers the unit specs beside the code (src/**\/*.spec.ts) and the end-to-end specs (test/**\/*.e2e-spec.ts).
 * NestJS 12 ships ES modules only, so Jest runs in its ESM mode (NODE_OPTIONS=--experimental-vm-modules, set by
 * the npm test script), which PGlite needs as well.
 */
import { existsSync } from 'node:fs';

// Browser tests (test/browser) drive Debian's Chromium; .ci/run installs it. Where none can be installed they are left
// out, and the run says so.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browserTests = existsSync(chromium);
if (!browserTests) console.log(`browser tests (test/browser) skipped: no Chromium at ${chromium} (install it: apt-get install -y chromium)`);

export default {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testPathIgnorePatterns: browserTests ? ['/node_modules/'] : ['/node_modules/', '<rootDir>/test/browser/'],
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
