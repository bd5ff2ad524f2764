// Module hooks that run the service's TypeScript from source, without a build: `node --import ./scripts/typescript-hooks.mjs
// src/worker.ts`. Each file is transpiled on its own (the tsconfig's isolatedModules guarantees that works), without
// a type check, as ts-jest does; relative `.js` imports resolve to the `.ts` file beside them. The tests start worker
// processes this way.
import { existsSync, readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** @type {import('typescript').CompilerOptions} */
const compilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  inlineSourceMap: true,
};

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      const target = new URL(specifier, context.parentURL);
      const typescript = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (!existsSync(target) && existsSync(typescript)) return nextResolve(typescript.href, context);
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/')) return nextLoad(url, context);
    const fileName = fileURLToPath(url);
    const { outputText } = ts.transpileModule(readFileSync(fileName, 'utf8'), { compilerOptions, fileName });
    return { format: 'module', source: outputText, shortCircuit: true };
  },
});
