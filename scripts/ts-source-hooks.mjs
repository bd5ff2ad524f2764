// Module hooks (module.registerHooks, in the loading thread itself) for running the service's TypeScript sources
// outside Jest, in a worker thread or a test's child process: a relative `./x.js` import from a
// .ts file resolves to `./x.ts` (the sources import their compiled names), and .ts files are compiled one at a time
// by swc with the options Jest uses (swc-options.mjs). Compiled files are kept in node_modules/.cache, keyed by their
// source, so the next thread (or test run) skips even that.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { swcOptions } from './swc-options.mjs';

const require = createRequire(import.meta.url);
const CACHE = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'ts-source-worker');
/** @type {typeof import('@swc/core') | undefined} */
let swc;
const OPTIONS = swcOptions({ sourceMaps: 'inline' });
const swcPackage = readFileSync(require.resolve('@swc/core/package.json'), 'utf8');
/** Part of every cache key: a new swc, or new options, compiles again. */
const COMPILER = JSON.stringify([/"version":\s*"([^"]+)"/.exec(swcPackage)?.[1], OPTIONS]);

/**
 * @param {string} code
 * @param {string} fileName
 * @returns {string}
 */
function compile(code, fileName) {
  /** @type {typeof import('@swc/core')} */
  const compiler = (swc ??= /** @type {typeof import('@swc/core')} */ (require('@swc/core')));
  return compiler.transformSync(code, { ...OPTIONS, filename: fileName }).code;
}

/**
 * @param {string} fileName
 * @returns {string}
 */
function compiled(fileName) {
  const code = readFileSync(fileName, 'utf8');
  const cached = join(CACHE, `${createHash('sha256').update(COMPILER).update('\0').update(fileName).update('\0').update(code).digest('hex')}.js`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  const output = compile(code, fileName);
  mkdirSync(CACHE, { recursive: true });
  // Written aside and renamed, so a thread reading the cache never sees half a file.
  const temp = `${cached}.${String(process.pid)}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(temp, output);
  renameSync(temp, cached);
  return output;
}

/** @type {import('node:module').ResolveHookSync} */
export function resolve(specifier, context, nextResolve) {
  if (context.parentURL?.endsWith('.ts') && /^\.{1,2}\//.test(specifier) && specifier.endsWith('.js')) {
    const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(source))) return { url: source.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

/** @type {import('node:module').LoadHookSync} */
export function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  return { format: 'module', source: compiled(fileURLToPath(url)), shortCircuit: true };
}
