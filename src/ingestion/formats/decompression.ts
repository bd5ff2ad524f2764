import { ProbeError } from './probe.types.js';

const MiB = 1024 * 1024;

/** Largest block (an MCAP chunk, a ROS bag chunk) decompressed into memory; writers use 0.75-10 MiB. */
export const MAX_DECOMPRESSED_BLOCK_BYTES = 64 * MiB;
/**
 * How many times its compressed size a block may grow. Real sensor data compresses 2-20x, long constant runs a few
 * hundred times; a zstd frame of RLE blocks can claim 30,000x, which is what a bomb does.
 */
export const MAX_EXPANSION_RATIO = 1024;
/** Blocks up to this size may expand without limit: they cost nothing, and tiny blocks have absurd ratios legitimately. */
const RATIO_FREE_BYTES = 1 * MiB;

/** A decompressor as the container libraries call it: the compressed bytes and the size the container declares. */
export type Decompressor = (compressed: Uint8Array, declaredSize: number) => Uint8Array;

const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

let highWater = 0;

/**
 * The largest block decompressed in this thread since the last call, and resets it. WebAssembly memories grow to
 * hold the largest block and never shrink, so a worker thread that went past a threshold is replaced afterwards.
 */
export function takeDecompressionHighWater(): number {
  const value = highWater;
  highWater = 0;
  return value;
}

/**
 * What one file may decompress: each block at most MAX_DECOMPRESSED_BLOCK_BYTES and at most MAX_EXPANSION_RATIO times
 * its compressed size, and all blocks together at most MAX_EXPANSION_RATIO times the file (at least one block's worth).
 * Checked on the sizes the container declares, before anything is allocated; the output must then be that size.
 */
export class DecompressionBudget {
  private spent = 0;
  private readonly total: number;

  constructor(fileBytes: number) {
    this.total = Math.max(MAX_DECOMPRESSED_BLOCK_BYTES, fileBytes * MAX_EXPANSION_RATIO);
  }

  /** Wraps a decompressor so every call is checked against this budget. `what` names the block kind in messages. */
  guard(what: string, decompress: Decompressor): Decompressor {
    return (compressed, declaredSize) => {
      this.admit(what, compressed.byteLength, declaredSize);
      const output = decompress(compressed, declaredSize);
      if (output.byteLength !== declaredSize) {
        throw new ProbeError('corrupt', `a ${what} decompresses to ${output.byteLength} bytes but declares ${declaredSize}`);
      }
      return output;
    };
  }

  /**
   * Counts bytes a streamed decompressor (gzip, Unix compress) has just produced against the file's total, and refuses
   * the file once they exceed it. A stream declares no sizes up front, so it is checked as it runs, in pieces of at
   * most 64 KiB handed on at once (no piece is held beyond its turn).
   */
  spendStreamed(what: string, bytes: number): void {
    this.spent += bytes;
    if (this.spent > this.total) {
      throw bomb(`the ${what} decompresses to more than ${mib(this.total)}, ${MAX_EXPANSION_RATIO} times the file's size`);
    }
  }

  /** Refuses a block before it is decompressed; counts it against the file's total otherwise. */
  admit(what: string, compressedBytes: number, declaredSize: number): void {
    if (!Number.isSafeInteger(declaredSize) || declaredSize < 0) {
      throw new ProbeError('corrupt', `a ${what} declares an impossible decompressed size (${String(declaredSize)})`);
    }
    if (declaredSize > MAX_DECOMPRESSED_BLOCK_BYTES) {
      throw bomb(`a ${what} claims ${mib(declaredSize)} once decompressed, more than the ${mib(MAX_DECOMPRESSED_BLOCK_BYTES)} a block may hold`);
    }
    if (declaredSize > RATIO_FREE_BYTES && declaredSize > compressedBytes * MAX_EXPANSION_RATIO) {
      throw bomb(
        `a ${what} of ${compressedBytes} bytes claims ${mib(declaredSize)} once decompressed: ${Math.round(declaredSize / Math.max(1, compressedBytes))} times its size, more than the ${MAX_EXPANSION_RATIO} allowed`,
      );
    }
    if (this.spent + declaredSize > this.total) {
      throw bomb(`the file's ${what}s decompress to more than ${mib(this.total)} in all, ${MAX_EXPANSION_RATIO} times the file's size`);
    }
    this.spent += declaredSize;
    highWater = Math.max(highWater, declaredSize);
  }
}

function bomb(message: string): ProbeError {
  return new ProbeError('decompression_bomb', message);
}
