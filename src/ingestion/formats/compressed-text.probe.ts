import { Gunzip } from 'minizlib';

import { DecompressionBudget } from './decompression.js';
import { LzwDecoder, isUnixCompress } from './lzw.js';
import { csvProbe } from './csv.probe.js';
import { gpxProbe } from './gpx.probe.js';
import { jsonlProbe } from './jsonl.probe.js';
import { nmeaProbe } from './nmea.probe.js';
import { HEAD_BYTES, ProbeError, type FormatProbe, type ProbeInput, type ProbeResult, type ProbeSession } from './probe.types.js';
import { rinexProbe } from './rinex.probe.js';
import { srtProbe } from './srt.probe.js';
import { GuardedSession, toProbeError } from './telemetry-text.util.js';

/**
 * gzip (`.gz`, magic 1F 8B) and Unix compress (`.Z`, magic 1F 9D) around a RINEX (also Compact RINEX) or NMEA file,
 * as GNSS archives distribute them (`.crx.gz`, `.YYd.Z`, `.YYo.Z`, `.nmea.gz`), or around the other text formats. The wrapper is decompressed as the file
 * streams past, synchronously and in small pieces, and the text goes to the inner format's own probe; nothing is held
 * beyond the decoders' state (zlib's window, the LZW table) and one piece. The decompressed total is checked against
 * the file's DecompressionBudget, so a bomb stops early. gzip runs on node:zlib through minizlib (its synchronous
 * streaming wrapper, as npm's own tar uses), so concatenated members, the CRC-32 and the length are checked by zlib.
 */

export type Compression = 'gzip' | 'compress';

/**
 * Formats that may arrive wrapped, in the text probes' own sniffing order: RINEX and NMEA as GNSS archives serve them,
 * and the other text formats, which people gzip just as often (`.gpx.gz`, `.csv.gz`).
 */
const INNER_PROBES: readonly FormatProbe[] = [rinexProbe, srtProbe, gpxProbe, nmeaProbe, jsonlProbe, csvProbe];
/** Compressed bytes handed to the decoder at once: at deflate's 1032:1 worst case, 1 MiB of output per call. */
const SLICE_BYTES = 1024;
const HEAD_SLICE_BYTES = 64;

const NAMES: Record<Compression, string> = { gzip: 'gzip stream', compress: 'Unix compress (.Z) stream' };

export function compressionOf(head: Uint8Array): Compression | undefined {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  return isUnixCompress(head) ? 'compress' : undefined;
}

/** A synchronous streaming decoder: write compressed bytes, get decompressed pieces through the sink, then end. */
interface StreamDecoder {
  write(chunk: Uint8Array): void;
  end(): void;
}

function gunzipDecoder(sink: (bytes: Buffer) => void): StreamDecoder {
  const gunzip = new Gunzip({});
  let failure: { code?: string; message: string } | undefined;
  gunzip.on('data', (piece: Buffer) => {
    sink(piece);
  });
  gunzip.on('error', (error: unknown) => {
    // minizlib emits ZlibError (an Error with zlib's code); anything else is described by its text.
    failure ??= error instanceof Error ? error : { message: String(error) };
  });
  const check = (atEnd: boolean) => {
    if (failure === undefined) return;
    // zlib says Z_BUF_ERROR ("unexpected end of file") when the stream stops before its end.
    if (atEnd && failure.code === 'Z_BUF_ERROR') throw new ProbeError('truncated', 'the gzip stream ends before its last block and trailer');
    throw new ProbeError('corrupt', `the gzip stream is damaged: ${failure.message.replace(/^zlib: /, '')}`);
  };
  return {
    write(chunk) {
      for (let i = 0; i < chunk.length && failure === undefined; i += SLICE_BYTES) gunzip.write(Buffer.from(chunk.subarray(i, i + SLICE_BYTES)));
      check(false);
    },
    end() {
      gunzip.end();
      check(true);
    },
  };
}

function lzwDecoder(sink: (bytes: Buffer) => void): StreamDecoder {
  const decoder = new LzwDecoder(sink);
  return {
    write(chunk) {
      for (let i = 0; i < chunk.length; i += SLICE_BYTES) decoder.write(chunk.subarray(i, i + SLICE_BYTES));
    },
    end() {
      decoder.end();
    },
  };
}

const decoderFor = (compression: Compression, sink: (bytes: Buffer) => void): StreamDecoder =>
  compression === 'gzip' ? gunzipDecoder(sink) : lzwDecoder(sink);

/** The first HEAD_BYTES (at most) of what the compressed head decompresses to; a head cut mid-stream is fine. */
export function decompressHead(compression: Compression, head: Uint8Array): Buffer {
  const pieces: Buffer[] = [];
  let length = 0;
  const full = new Error('head full');
  const decoder = decoderFor(compression, (piece) => {
    pieces.push(Buffer.from(piece.subarray(0, HEAD_BYTES - length)));
    length += Math.min(piece.length, HEAD_BYTES - length);
    if (length >= HEAD_BYTES) throw full;
  });
  try {
    // Small steps: a highly compressible head stops after HEAD_BYTES, not after all it holds, and a damaged trailer
    // (zlib drops the output of the call that fails) costs only the last few bytes, not the whole head.
    for (let i = 0; i < head.length && length < HEAD_BYTES; i += HEAD_SLICE_BYTES) decoder.write(head.subarray(i, i + HEAD_SLICE_BYTES));
  } catch (error) {
    if (error !== full && length === 0) return Buffer.alloc(0);
  }
  return Buffer.concat(pieces);
}

class CompressedSession extends GuardedSession {
  private readonly decoder: StreamDecoder;
  private readonly inner: ProbeSession;
  private readonly budget: DecompressionBudget;
  private compressedBytes = 0;
  private decompressedBytes = 0;

  constructor(
    private readonly compression: Compression,
    private readonly probe: FormatProbe,
    input: ProbeInput,
    innerHead: Buffer,
  ) {
    super();
    this.budget = new DecompressionBudget(input.size);
    this.inner = probe.open({
      size: input.size,
      head: innerHead,
      read: () => Promise.reject(new ProbeError('unsupported', `a ${NAMES[compression]} cannot be read at random offsets`)),
    });
    this.decoder = decoderFor(compression, (piece) => {
      this.budget.spendStreamed(NAMES[compression], piece.length);
      this.decompressedBytes += piece.length;
      this.inner.push?.(piece);
    });
  }

  protected consume(chunk: Buffer): void {
    this.compressedBytes += chunk.length;
    this.decoder.write(chunk);
  }

  protected async complete(): Promise<ProbeResult> {
    let streamFailure: ProbeError | undefined;
    try {
      this.decoder.end();
    } catch (error) {
      streamFailure = toProbeError(error);
    }
    let result: ProbeResult;
    try {
      result = await this.inner.finish();
    } catch (error) {
      // A stream cut short also cuts the text: say the wrapper was cut, with what the inner probe saw.
      const inner = toProbeError(error);
      if (streamFailure) throw new ProbeError(streamFailure.reason, `${streamFailure.message}; inside it, ${this.probe.id}: ${inner.message}`);
      throw inner;
    }
    if (streamFailure) throw streamFailure;
    return {
      ...result,
      metadata: {
        ...result.metadata,
        compression: { method: this.compression, compressedBytes: this.compressedBytes, decompressedBytes: this.decompressedBytes },
      },
    };
  }
}

export const compressedTextProbe: FormatProbe = {
  id: 'compressed',
  /** gzip or Unix compress magic, and a decompressed head one of the inner text formats claims. */
  sniff(head: Buffer): boolean {
    const compression = compressionOf(head);
    if (!compression) return false;
    const inner = decompressHead(compression, head);
    return INNER_PROBES.some((probe) => probe.sniff(inner));
  },
  open(input: ProbeInput): ProbeSession {
    const compression = compressionOf(input.head);
    const innerHead = compression ? decompressHead(compression, input.head) : Buffer.alloc(0);
    const probe = INNER_PROBES.find((p) => p.sniff(innerHead));
    if (!compression || !probe) {
      return {
        finish: () => Promise.reject(new ProbeError('unknown_format', 'not a gzip or Unix compress stream around a text format read here')),
      };
    }
    return new CompressedSession(compression, probe, input, innerHead);
  },
};
