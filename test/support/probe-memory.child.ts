/**
 * Child process for the probes' memory spec:
 *   node --import ./scripts/ts-source-register.mjs test/support/probe-memory.child.ts <probe id> <file>
 * Runs the probe over the file as the driver does and prints, as one JSON line, the process's RSS before the run (MiB),
 * the highest RSS sampled during and right after it (MiB; WebAssembly memories keep what they grew to, so a large
 * decompression stays visible), and the outcome: 'ok' or the ProbeError's reason. Start-up (module loading) is
 * over before the first figure, so it does not count.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { FORMAT_PROBES } from '../../src/ingestion/formats/probe-registry.js';
import { ProbeError } from '../../src/ingestion/formats/probe.types.js';
import { driveProbe } from './probe-harness.js';

const [id, path] = process.argv.slice(2);
const probe = FORMAT_PROBES.find((candidate) => candidate.id === id);
if (!probe || !path) throw new Error(`usage: probe-memory.child.ts <probe id> <file>; no probe '${id}'`);
// The decompressors load at import; let them finish before the baseline is taken.
await sleep(500);
const rss = () => Math.round(process.memoryUsage().rss / (1 << 20));
const before = rss();
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, rss())), 5);
const run = await driveProbe(probe, path, { chunkSize: 4 << 20, skipSniff: true });
clearInterval(sampler);
peak = Math.max(peak, rss());
const outcome = run.error === undefined ? 'ok' : run.error instanceof ProbeError ? run.error.reason : `crash: ${inspect(run.error)}`;
process.stdout.write(`${JSON.stringify({ before, peak, outcome })}\n`);
