// Entry of a worker thread started by src/ingestion/verification/worker-pool.ts while the service runs from its
// TypeScript sources (Jest): makes .ts modules loadable in this thread, then imports the worker module it names.
// The compiled service (dist/) starts its compiled worker modules directly and never loads this file.
import './ts-source-register.mjs';
import { workerData } from 'node:worker_threads';

await import(workerData.entry);
