// @ts-check
// `npm run build`: the files tsconfig.build.json names (src and migrations, without the specs) compiled into dist/ as
// tsc laid them out (dist/src/main.js, dist/migrations/...), each file with its source map, then the pages' static files
// (copy-web-assets.mjs). The compiler is swc with the options the tests run the sources through (swc-options.mjs), so
// what runs in production is what the tests ran; it strips types and checks none, which `npm run typecheck` (and
// `npm test`, and CI) do. Built this way `npm start` is ready in about a second where `tsc` took about 20 CPU seconds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { transformFile } from '@swc/core';
import ts from 'typescript';
import { swcOptions } from './swc-options.mjs';

const root = join(import.meta.dirname, '..');
const options = swcOptions({ sourceMaps: true });

// The files, rootDir and outDir are tsconfig.build.json's own, read by TypeScript as tsc read them; declaration files
// emit nothing.
const config = ts.getParsedCommandLineOfConfigFile(
  join(root, 'tsconfig.build.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  },
);
if (config === undefined || config.options.outDir === undefined || config.options.rootDir === undefined) {
  throw new Error('tsconfig.build.json: no outDir or rootDir');
}
const { outDir, rootDir } = config.options;
const files = config.fileNames.filter((file) => !file.endsWith('.d.ts'));

/** @param {string} source */
async function compile(source) {
  const out = join(outDir, relative(rootDir, source)).replace(/\.ts$/, '.js');
  const map = `${basename(out)}.map`;
  const output = await transformFile(source, { ...options, sourceFileName: relative(dirname(out), source), outputPath: out });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${output.code.trimEnd()}\n//# sourceMappingURL=${map}\n`);
  if (output.map !== undefined) writeFileSync(join(dirname(out), map), output.map);
}

await Promise.all(files.map(compile));
await import('./copy-web-assets.mjs');
console.log(`built ${String(files.length)} files into ${relative(process.cwd(), outDir) || '.'}/ (swc; \`npm run typecheck\` checks the types)`);
