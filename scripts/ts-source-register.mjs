// Lets this thread import the service's TypeScript sources (see ts-source-hooks.mjs): `node --import
// ./scripts/ts-source-register.mjs file.ts` for a child process of a test, or imported first by ts-source-worker.mjs.
import { registerHooks } from 'node:module';
import { load, resolve } from './ts-source-hooks.mjs';

registerHooks({ resolve, load });
