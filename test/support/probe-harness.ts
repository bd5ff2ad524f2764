import { open as openFile } from 'node:fs/promises';

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
    read: async (offset, length) => Buffer.from(buf.subarray(Math.max(0, offset), Math.max(0, Math.min(buf.length, offset + length)))),
    close: async () => undefined,
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

/** Runs a probe and returns its result; fails with the probe's error when it rejects. */
export async function runProbe(probe: FormatProbe, source: Buffer | string, options?: ProbeRunOptions): Promise<ProbeResult> {
  const run = await driveProbe(probe, source, options);
  if (run.error !== undefined) throw run.error;
  return run.result as ProbeResult;
}

/** Runs a probe that must reject, and returns the ProbeError; fails when it resolves or throws anything else. */
export async function probeFailure(probe: FormatProbe, source: Buffer | string, options?: ProbeRunOptions): Promise<ProbeError> {
  const run = await driveProbe(probe, source, options);
  if (run.error === undefined) {
    throw new Error(`expected a ProbeError, got a result: ${JSON.stringify(run.result).slice(0, 500)}`);
  }
  if (!(run.error instanceof ProbeError)) {
    throw new Error(`expected a ProbeError, got ${String((run.error as Error)?.stack ?? run.error)}`);
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
    message: message ? expect.stringMatching(message) : expect.any(String),
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
        if (run.error !== undefined && !(run.error instanceof ProbeError)) throw run.error;
        const biggest = Math.max(0, ...run.reads.map((r) => r.length));
        // Reads are capped by what the file could hold; anything larger means a declared size drove the read.
        if (biggest > Math.max(seed.length, 64 * 1024)) throw new Error(`probe asked to read ${biggest} bytes of a ${input.length}-byte file`);
      },
    ),
    { numRuns: options.runs ?? 150, seed: options.seed ?? 20240506 },
  );
}
