// @ts-check
// How the tests run the service's TypeScript without building it: swc (@swc/core, a native compiler shipped inside its
// npm package) strips the types of one file at a time, as `tsc` would emit it under tsconfig.json (ES2022 classes with
// define semantics, legacy decorators with their design-time metadata, which NestJS's dependency injection reads; ES
// modules). Jest (@swc/jest, jest.config.js) and the module hooks of threads and child processes that run the sources
// (ts-source-hooks.mjs) both use these options. Type checking is tsc's job (`npm run typecheck`, run by `npm test`).
//
// Before, both used TypeScript's own transpileModule: on a fresh clone (CI) transpiling took about 100 of a run's
// 1,250 profiled CPU seconds (ts-jest 62, the source hooks 35), several workers and threads compiling the same files
// at once before any cache held them; swc compiles the service's 551 files in about a second (`npm run build`).

/**
 * @param {{ sourceMaps: 'inline' | boolean }} options
 * @returns {import('@swc/core').Options}
 */
export function swcOptions({ sourceMaps }) {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      target: 'es2022',
      keepClassNames: true,
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
    },
    module: { type: 'es6' },
    sourceMaps,
    swcrc: false,
    configFile: false,
  };
}
