// @ts-check
// `npm run build`: the service's TypeScript (src and migrations, without the specs) compiled into dist/ as tsconfig.build.json
// lays it out (dist/src/main.js, dist/migrations/...), each file with its source map, then the pages' static files
// (copy-web-assets.mjs). The compiler is swc with the options the tests run the sources through (swc-options.mjs), so
// what runs in production is what the tests ran; it strips types and checks none, which `npm run typecheck` (and
// `npm test`, and CI) do. Built this way `npm start` is ready in about a second where `tsc` took about 20 CPU seconds.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { transformFile } from '@swc/core';
import { swcOptions } from './swc-options.mjs';

const root = join(import.meta.dirname, '..');
const outDir = join(root, 'dist');
const options = swcOptions({ sourceMaps: true });

/**
 * The .ts files under `dir` that tsconfig.build.json compiles: not specs, not declaration files.
 * @param {string} dir
 * @returns {string[]}
 */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** @param {string} source */
async function compile(source) {
  const out = join(outDir, relative(root, source)).replace(/\.ts$/, '.js');
  const map = `${basename(out)}.map`;
  const output = await transformFile(source, { ...options, sourceFileName: relative(dirname(out), source), outputPath: out });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${output.code}\n//# sourceMappingURL=${map}\n`);
  if (output.map !== undefined) writeFileSync(join(dirname(out), map), output.map);
}

const files = [...sources(join(root, 'src')), ...sources(join(root, 'migrations'))];
await Promise.all(files.map(compile));
await import('./copy-web-assets.mjs');
console.log(`built ${String(files.length)} files into ${relative(process.cwd(), outDir) || '.'}/ (swc; \`npm run typecheck\` checks the types)`);
