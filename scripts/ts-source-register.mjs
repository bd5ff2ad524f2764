// Lets this thread import the service's TypeScript sources (see ts-source-hooks.mjs): `node --import
// ./scripts/ts-source-register.mjs file.ts` for a child process of a test, or imported first by ts-source-worker.mjs.
import { register } from 'node:module';

register('./ts-source-hooks.mjs', import.meta.url);
