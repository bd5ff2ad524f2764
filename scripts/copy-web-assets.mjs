// `npm run build` step: the pages' static files go beside the compiled web module (dist/src/web/public).
import { cpSync, rmSync } from 'node:fs';

rmSync('dist/src/web/public', { recursive: true, force: true });
cpSync('src/web/public', 'dist/src/web/public', { recursive: true });
