// `npm run build` step: the pages' static files go beside the compiled web module (dist/src/web/public/assets). Only
// the served assets: the pages' tsconfig and API types are for type-checking, and the HTML is rendered by WebController.
import { cpSync, rmSync } from 'node:fs';

rmSync('dist/src/web/public', { recursive: true, force: true });
cpSync('src/web/public/assets', 'dist/src/web/public/assets', { recursive: true });
