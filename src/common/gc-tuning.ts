import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by the entry points (app, worker). Uploads and downloads move bytes through short-lived buffers
 * outside V8's heap (Node allocates one per socket read). By default V8 answers every 64 MB or so of such external
 * memory with a full mark-compact of the heap: in a process holding the whole app that cost receiving a part 3-4 CPU
 * seconds per GiB against 1.5-2 for a bare Node server (bench:upload; reproduced in a bare server with a 50 MB heap).
 * With external memory counted in V8's global heap limit instead, those collections happen as the heap's own growth
 * asks: half the CPU per GiB, for about 40 MB more peak RSS. The flag only changes when V8 collects, never what.
 */
// The V8 of Node 24 (the runtime this package pins) has the flag; an older one would only warn that it does not know it.
if (Number(process.versions.node.split('.')[0]) >= 24) setFlagsFromString('--external-memory-accounted-in-global-limit');
