import { open as openFile } from 'node:fs/promises';
import { inspect } from 'node:util';

import fc from 'fast-check';

import { FormatProbe, HEAD_BYTES, ProbeError, ProbeFailure, ProbeInput, ProbeResult } from '../../src/ingestion/formats/probe.types.js';

/**
 * Drives a FormatProbe the way the ingestion driver does: head = first HEAD_BYTES, sniff(head), open(input),
 * push the whole file once, in order, in chunks, then await finish(). Tests use it so they exercise the real protocol
 * (a probe that only works when handed the whole file at once would pass a unit test and fail in production).
 */

/** One call a probe made to ProbeInput.read, recorded so tests can check a probe never reads absurd ranges. */
export interface ReadCall {
  offset: number;
  length: number;
  returned: number;
}

export interface ProbeRunOptions {
  /** Bytes per push; the driver uses a few MiB. Default 1 MiB. */
  chunkSize?: number;
  /** Call open() even when sniff(head) says no (to test what a probe does with bytes it would not be given). */
  skipSniff?: boolean;
  /** Answer this size instead of the real one (to simulate a file whose tail has not arrived). */
  sizeOverride?: number;
}

export interface ProbeRun {
  result?: ProbeResult;
  error?: unknown;
  reads: ReadCall[];
  pushes: number;
}

/** Random access over a byte source; answers fewer bytes only at the end, like the driver's file input. */
interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    read: (offset, length) => Promise.resolve(Buffer.from(buf.subarray(Math.max(0, offset), Math.max(0, Math.min(buf.length, offset + length))))),
    close: () => Promise.resolve(),
  };
}

async function fileSource(path: string): Promise<ByteSource> {
  const handle = await openFile(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    read: async (offset, length) => {
      const want = Math.max(0, Math.min(length, size - offset));
      const out = Buffer.alloc(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(out, got, want - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return out.subarray(0, got);
    },
    close: () => handle.close(),
  };
}

/** Runs a probe over a Buffer or a file path and records what it did; never throws for the probe's own failures. */
export async function driveProbe(probe: FormatProbe, source: Buffer | string, options: ProbeRunOptions = {}): Promise<ProbeRun> {
  const src = typeof source === 'string' ? await fileSource(source) : bufferSource(source);
  const reads: ReadCall[] = [];
  let pushes = 0;
  try {
    const head = await src.read(0, Math.min(HEAD_BYTES, src.size));
    if (!options.skipSniff && !probe.sniff(head)) {
      throw new Error(`probe '${probe.id}' does not recognise this file (sniff returned false)`);
    }
    const input: ProbeInput = {
      size: options.sizeOverride ?? src.size,
      head,
      read: async (offset, length) => {
        // The driver's input rejects nonsense ranges; a probe asking for them is a bug the test must see.
        if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
          throw new RangeError(`read(${offset}, ${length}): invalid range`);
        }
        const buf = await src.read(offset, length);
        reads.push({ offset, length, returned: buf.length });
        return buf;
      },
    };
    const session = probe.open(input);
    const chunkSize = options.chunkSize ?? 1024 * 1024;
    for (let offset = 0; offset < src.size; offset += chunkSize) {
      const chunk = await src.read(offset, Math.min(chunkSize, src.size - offset));
      session.push?.(chunk);
      pushes += 1;
    }
    try {
      return { result: await session.finish(), reads, pushes };
    } catch (error) {
      return { error, reads, pushes };
    }
  } finally {
    await src.close();
  }
}

/** What a probe threw, as an Error to rethrow. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(`the probe threw ${inspect(error)}`);
}

/** Runs a probe and returns its result; fails with the probe's error when it rejects. */
export async function runProbe(probe: FormatProbe, source: Buffer | string, options?: ProbeRunOptions): Promise<ProbeResult> {
  const run = await driveProbe(probe, source, options);
  if (run.error !== undefined) throw asError(run.error);
  return run.result as ProbeResult;
}

/** Runs a probe that must reject, and returns the ProbeError; fails when it resolves or throws anything else. */
export async function probeFailure(probe: FormatProbe, source: Buffer | string, options?: ProbeRunOptions): Promise<ProbeError> {
  const run = await driveProbe(probe, source, options);
  if (run.error === undefined) {
    throw new Error(`expected a ProbeError, got a result: ${JSON.stringify(run.result).slice(0, 500)}`);
  }
  if (!(run.error instanceof ProbeError)) {
    throw new Error(`expected a ProbeError, got ${inspect(run.error)}`);
  }
  return run.error;
}

/** Asserts a probe rejects with `reason` and a message matching `message`; returns the error for further checks. */
export async function expectProbeFailure(
  probe: FormatProbe,
  source: Buffer | string,
  reason: ProbeFailure,
  message?: RegExp,
  options?: ProbeRunOptions,
): Promise<ProbeError> {
  const error = await probeFailure(probe, source, options);
  expect({ reason: error.reason, message: error.message }).toEqual({
    reason,
    message: (message ? expect.stringMatching(message) : expect.any(String)) as unknown,
  });
  return error;
}

/** The first HEAD_BYTES of a buffer, as the driver hands them to sniff(). */
export const headOf = (buf: Buffer): Buffer => buf.subarray(0, Math.min(HEAD_BYTES, buf.length));

export interface MutationOptions {
  /** Property runs (each a mutated copy of the seed). Default 150. */
  runs?: number;
  /** Bytes per push. Default 4 KiB, so streaming probes see many chunk boundaries. */
  chunkSize?: number;
  /** Mutations favour the first `headerBytes` bytes, where the declared sizes and counts live. Default 512. */
  headerBytes?: number;
  /** fast-check seed, fixed so a failure reproduces. */
  seed?: number;
  /** Applied to each mutated copy before it is cut (e.g. re-seal checksums so edits reach deeper parsers). */
  prepare?: (bytes: Buffer) => Buffer;
}

/**
 * Property test: random byte edits (mostly in the header) and random truncations of a valid file must end in a
 * result or a ProbeError, never another exception, a hang or a huge read. Reads above `maxRead` bytes fail it.
 */
export async function assertSurvivesMutations(probe: FormatProbe, seed: Buffer, options: MutationOptions = {}): Promise<void> {
  const headerBytes = Math.min(options.headerBytes ?? 512, seed.length);
  const edit = fc.record({
    at: fc.oneof(fc.nat({ max: Math.max(0, headerBytes - 1) }), fc.nat({ max: seed.length - 1 })),
    value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0xff, 0x7f, 0x80)),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(edit, { minLength: 1, maxLength: 6 }),
      fc.option(fc.nat({ max: seed.length }), { nil: undefined }),
      async (edits, cut) => {
        const bytes = Buffer.from(seed);
        for (const e of edits) bytes[e.at] = e.value;
        const prepared = options.prepare ? options.prepare(bytes) : bytes;
        const input = cut === undefined ? prepared : prepared.subarray(0, cut);
        const run = await driveProbe(probe, input, { skipSniff: true, chunkSize: options.chunkSize ?? 4096 });
        if (run.error !== undefined && !(run.error instanceof ProbeError)) throw asError(run.error);
        const biggest = Math.max(0, ...run.reads.map((r) => r.length));
        // Reads are capped by what the file could hold; anything larger means a declared size drove the read.
        if (biggest > Math.max(seed.length, 64 * 1024)) throw new Error(`probe asked to read ${biggest} bytes of a ${input.length}-byte file`);
      },
    ),
    { numRuns: options.runs ?? 150, seed: options.seed ?? 20240506 },
  );
}

export interface FuzzOptions {
  /** Property runs per kind of damage. Default 40. */
  runs?: number;
  /** Bytes per push. Default 4 KiB. */
  chunkSize?: number;
  /** Declared sizes are planted in the first `headerBytes` bytes. Default 1024. */
  headerBytes?: number;
  /** fast-check seed, fixed so a failure reproduces. */
  seed?: number;
  /** Heap + array buffers may grow by at most this much over one run. Default 256 MiB. */
  maxGrowthBytes?: number;
}

/** Messages of JavaScript's own errors: a probe that lets one through gives the contributor no reason. */
const INTERNAL_ERROR = /Cannot read propert|is not a function|is not iterable|Maximum call stack|Invalid array length|of undefined|of null/;

/** Values a hostile header puts in its size and count fields. */
const HUGE = [0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffe, 2 ** 40, 2 ** 53, 2 ** 62] as const;

const liveBytes = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/**
 * One damaged copy through the probe, as the driver runs it: it must end in a result or a ProbeError with a reason of
 * its own (not a leaked TypeError), never read more than the file could hold, and not hold much memory once done.
 */
async function survives(probe: FormatProbe, bytes: Buffer, seedSize: number, options: FuzzOptions): Promise<void> {
  const before = liveBytes();
  const run = await driveProbe(probe, bytes, { skipSniff: true, chunkSize: options.chunkSize ?? 4096 });
  if (run.error !== undefined) {
    if (!(run.error instanceof ProbeError)) throw asError(run.error);
    if (INTERNAL_ERROR.test(run.error.message)) throw new TypeError(`an internal error leaked as the reason: ${run.error.message}`);
  }
  const biggest = Math.max(0, ...run.reads.map((r) => r.length));
  if (biggest > Math.max(seedSize, 64 * 1024)) throw new Error(`probe asked to read ${biggest} bytes of a ${bytes.length}-byte file`);
  const growth = liveBytes() - before;
  if (growth > (options.maxGrowthBytes ?? 256 * 1024 * 1024)) throw new Error(`a run left ${Math.round(growth / 1048576)} MiB more in memory`);
}

/**
 * Fuzzes a probe from a real file: truncations anywhere, random bit flips anywhere, and huge values (2^32-1, 2^40,
 * 2^62, ...) planted as 4- or 8-byte little- or big-endian integers where headers keep their sizes and counts. Each
 * damaged copy must pass `survives`.
 */
export async function fuzzProbe(probe: FormatProbe, seed: Buffer, options: FuzzOptions = {}): Promise<void> {
  const runs = { numRuns: options.runs ?? 40, seed: options.seed ?? 20261202, includeErrorInReport: true };
  const headerBytes = Math.max(1, Math.min(options.headerBytes ?? 1024, seed.length));
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: seed.length }), async (cut) => {
      await survives(probe, seed.subarray(0, cut), seed.length, options);
    }),
    runs,
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ at: fc.nat({ max: seed.length - 1 }), bit: fc.nat({ max: 7 }) }), { minLength: 1, maxLength: 8 }),
      async (flips) => {
        const bytes = Buffer.from(seed);
        for (const { at, bit } of flips) bytes[at] ^= 1 << bit;
        await survives(probe, bytes, seed.length, options);
      },
    ),
    runs,
  );
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: headerBytes - 1 }),
      fc.constantFrom(...HUGE),
      fc.constantFrom(4, 8),
      fc.boolean(),
      async (at, value, width, bigEndian) => {
        const bytes = Buffer.from(seed);
        const field = Buffer.alloc(8);
        if (bigEndian) field.writeBigUInt64BE(BigInt(value));
        else field.writeBigUInt64LE(BigInt(value));
        const written = width === 8 ? field : bigEndian ? field.subarray(4) : field.subarray(0, 4);
        written.copy(bytes, at, 0, Math.min(width, bytes.length - at));
        await survives(probe, bytes, seed.length, options);
      },
    ),
    runs,
  );
}
