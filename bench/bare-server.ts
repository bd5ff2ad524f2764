/**
 * A floor server in a process of its own, so the benches can read its CPU time as they read the API's:
 *   node dist-bench/bench/bare-server.js parts <dir>           (startBarePartServer)
 *   node dist-bench/bench/bare-server.js file <path> <bytes>   (startBareFileServer)
 * Prints its base URL on one line once listening, and serves until killed.
 */
import { startBareFileServer, startBarePartServer } from './bench-transfer.js';

const [kind, path, size] = process.argv.slice(2);
const server = kind === 'parts' ? await startBarePartServer(path) : kind === 'file' ? await startBareFileServer(path, Number(size)) : null;
if (!server) throw new Error(`usage: bare-server.js parts <dir> | file <path> <bytes> (got ${kind})`);
process.stdout.write(`${server.url}\n`);
