// `npm run start:dev` (after `npm run build`): the service, restarted on every change. tsc recompiles src into dist
// as files change (watch mode), `node --watch` restarts the service when a compiled file it imports changes, and an
// edit under src/web/public/assets is copied into dist at once (the pages are served from there, with no restart).
// Ctrl-C stops all three.
import { spawn } from 'node:child_process';
import { cpSync, watch } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const assets = join(root, 'src', 'web', 'public', 'assets');
const servedAssets = join(root, 'dist', 'src', 'web', 'public', 'assets');

// TypeScript 5.9 emits (node_modules/.bin/tsc may be TypeScript 7's, which `npm run typecheck` uses; see the README).
const tsc = spawn(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
const service = spawn(process.execPath, ['--watch', 'dist/src/main.js'], { cwd: root, stdio: 'inherit' });
const watcher = watch(assets, { recursive: true }, (_event, file) => {
  if (file === null) return;
  try {
    cpSync(join(assets, file), join(servedAssets, file), { recursive: true });
  } catch {
    // Removed or renamed away: the next full build drops it from dist.
    return;
  }
  process.stdout.write(`copied ${relative(root, join(assets, file))}\n`);
});

function stop() {
  watcher.close();
  tsc.kill('SIGTERM');
  service.kill('SIGTERM');
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
for (const child of [tsc, service]) child.once('exit', stop);
