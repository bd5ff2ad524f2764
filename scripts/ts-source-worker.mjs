// Entry of a worker thread started by src/ingestion/verification/worker-pool.ts while the service runs from its
// TypeScript sources (Jest): makes .ts modules loadable in this thread, then imports the worker module named by its
// first argument. The compiled service (dist/) starts its compiled worker modules directly and never loads this file.
import './ts-source-register.mjs';

const entry = process.argv[2];
if (!entry) throw new Error('ts-source-worker.mjs: pass the worker module URL as the first argument');
await import(entry);
