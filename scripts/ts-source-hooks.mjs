// Module hooks for running the service's TypeScript sources in a worker thread: a relative `./x.js` import from a
// .ts file resolves to `./x.ts` (the sources import their compiled names), and .ts files are compiled one at a time
// by the TypeScript compiler (a devDependency), as ts-jest does for the tests. Compiled files are kept in
// node_modules/.cache, keyed by their source, so the next thread (or test run) skips the compiler.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'ts-source-worker');
let typescript;

function compile(code, fileName) {
  typescript ??= createRequire(import.meta.url)('typescript');
  const compilerOptions = {
    module: typescript.ModuleKind.ESNext,
    target: typescript.ScriptTarget.ES2022,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    inlineSourceMap: true,
  };
  return typescript.transpileModule(code, { fileName, compilerOptions }).outputText;
}

async function compiled(fileName) {
  const code = await readFile(fileName, 'utf8');
  const cached = join(CACHE, `${createHash('sha256').update(fileName).update('\0').update(code).digest('hex')}.js`);
  try {
    return await readFile(cached, 'utf8');
  } catch {
    const output = compile(code, fileName);
    await mkdir(CACHE, { recursive: true });
    // Written aside and renamed, so a thread reading the cache never sees half a file.
    const temp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(temp, output);
    await rename(temp, cached);
    return output;
  }
}

export function resolve(specifier, context, nextResolve) {
  if (context.parentURL?.endsWith('.ts') && /^\.{1,2}\//.test(specifier) && specifier.endsWith('.js')) {
    const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(source))) return { url: source.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  return { format: 'module', source: await compiled(fileURLToPath(url)), shortCircuit: true };
}
