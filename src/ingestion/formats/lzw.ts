import { ProbeError } from './probe.types.js';

/**
 * A streaming decoder for Unix `compress` files (`.Z`, magic 1F 9D), in constant memory: the code table (at most
 * 2^16 entries of prefix + suffix), a stack for one string and a 64 KiB output buffer, whatever the file's size.
 *
 * The format (as ncompress 4.2 writes and reads it): a flags byte after the magic (bits 0-4: the largest code width,
 * 9-16; bit 7: block mode, where code 256 clears the table), then codes packed least significant bit first, starting
 * at 9 bits. A code is added to the table after each code read; when the next free code no longer fits, the width
 * grows by one bit. Codes are read in groups of eight (`width` bytes), so on a width change and after a clear code
 * the reader skips to the end of the current group, counted from where that width began.
 */

const MAGIC = [0x1f, 0x9d] as const;
const INIT_BITS = 9;
const CLEAR = 256;
const OUTPUT_BYTES = 64 * 1024;

export const isUnixCompress = (head: Uint8Array): boolean => head.length >= 3 && head[0] === MAGIC[0] && head[1] === MAGIC[1];

export class LzwDecoder {
  private readonly prefix = new Uint16Array(1 << 16);
  private readonly suffix = new Uint8Array(1 << 16);
  private readonly stack = new Uint8Array(1 << 16);
  private readonly out = Buffer.alloc(OUTPUT_BYTES);
  private outLength = 0;
  /** Header bytes seen so far (3 in all). */
  private headerBytes = 0;
  private maxBits = 16;
  private blockMode = true;
  private maxMaxCode = 1 << 16;
  private width = INIT_BITS;
  private maxCode = (1 << INIT_BITS) - 1;
  private freeEntry = 257;
  private oldCode = -1;
  private finChar = 0;
  /** Unread input: whole bytes, and how many bits of the first byte were already read. */
  private pending: Buffer = Buffer.alloc(0);
  private bitPos = 0;
  /** Bits read since the current code width began; the group alignment counts from there. */
  private segmentBits = 0;
  /** Alignment bits still to skip (the input may end before them). */
  private skipBits = 0;
  /** Bytes handed to the sink so far. */
  written = 0;

  /** `sink` receives the decoded bytes in order, in pieces of at most 64 KiB; it must not keep the buffer. */
  constructor(private readonly sink: (bytes: Buffer) => void) {}

  write(chunk: Uint8Array): void {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (this.headerBytes < 3 && data.length > 0) {
      this.headerByte(data[0]);
      data = data.subarray(1);
    }
    if (data.length === 0) return;
    const unread = this.pending.subarray(this.bitPos >> 3);
    this.bitPos &= 7;
    // The carried bytes are at most 2 (a code is at most 16 bits): copying them with each chunk costs nothing.
    this.pending = unread.length > 0 ? Buffer.concat([unread, data]) : data;
    this.decode();
    // Keep only the unread tail, copied, so the caller's chunk is not pinned.
    this.pending = Buffer.from(this.pending.subarray(this.bitPos >> 3));
    this.bitPos &= 7;
    this.flush();
  }

  /** Finishes the stream: a header cut short is a truncated file; bits left over (fewer than a code) are padding. */
  end(): void {
    if (this.headerBytes < 3) throw new ProbeError('truncated', 'the compressed stream ends inside its 3-byte header');
    this.flush();
  }

  private headerByte(byte: number): void {
    if (this.headerBytes < 2) {
      if (byte !== MAGIC[this.headerBytes]) throw new ProbeError('corrupt', 'not a Unix compress (.Z) stream: the magic is not 1F 9D');
    } else {
      this.maxBits = byte & 0x1f;
      this.blockMode = (byte & 0x80) !== 0;
      if (this.maxBits < INIT_BITS || this.maxBits > 16) {
        throw new ProbeError('corrupt', `the .Z stream declares ${this.maxBits}-bit codes: compress uses 9 to 16`);
      }
      this.maxMaxCode = 1 << this.maxBits;
      this.freeEntry = this.blockMode ? 257 : 256;
    }
    this.headerBytes += 1;
  }

  /** Skips to the end of the current group of eight codes, counted from where the current width began. */
  private align(): void {
    const group = this.width * 8;
    const rest = this.segmentBits % group;
    if (rest !== 0) this.skipBits += group - rest;
    this.segmentBits = 0;
  }

  private decode(): void {
    const available = this.pending.length * 8;
    for (;;) {
      if (this.freeEntry > this.maxCode) {
        this.align();
        this.width += 1;
        this.maxCode = this.width === this.maxBits ? this.maxMaxCode : (1 << this.width) - 1;
        continue;
      }
      if (this.skipBits > 0) {
        const skipped = Math.min(this.skipBits, available - this.bitPos);
        this.bitPos += skipped;
        this.skipBits -= skipped;
        if (this.skipBits > 0) return;
      }
      if (this.bitPos + this.width > available) return;
      const byte = this.bitPos >> 3;
      const p = this.pending;
      const word = p[byte] | ((p[byte + 1] ?? 0) << 8) | ((p[byte + 2] ?? 0) << 16);
      const code = (word >>> (this.bitPos & 7)) & ((1 << this.width) - 1);
      this.bitPos += this.width;
      this.segmentBits += this.width;
      this.code(code);
    }
  }

  private code(code: number): void {
    if (this.oldCode === -1) {
      if (code >= 256) throw new ProbeError('corrupt', `the .Z stream starts with code ${code}, not a literal byte`);
      this.oldCode = code;
      this.finChar = code;
      this.emit(code);
      return;
    }
    if (code === CLEAR && this.blockMode) {
      // As ncompress does: the next code read fills the (unused) slot 256, which keeps the widths in step.
      this.freeEntry = 256;
      this.align();
      this.width = INIT_BITS;
      this.maxCode = (1 << INIT_BITS) - 1;
      return;
    }
    // The string is built backwards from its last byte, at the top of the stack, then copied out in order.
    const top = this.stack.length;
    let sp = top;
    let current = code;
    if (current >= this.freeEntry) {
      if (current > this.freeEntry) throw new ProbeError('corrupt', `the .Z stream uses code ${code} before it was defined`);
      this.stack[--sp] = this.finChar;
      current = this.oldCode;
    }
    while (current >= 256) {
      if (sp <= 1) throw new ProbeError('corrupt', 'the .Z stream holds a string longer than its code table allows');
      this.stack[--sp] = this.suffix[current];
      current = this.prefix[current];
    }
    this.finChar = current;
    this.stack[--sp] = current;
    this.emitString(sp, top);
    if (this.freeEntry < this.maxMaxCode) {
      this.prefix[this.freeEntry] = this.oldCode;
      this.suffix[this.freeEntry] = this.finChar;
      this.freeEntry += 1;
    }
    this.oldCode = code;
  }

  private emit(byte: number): void {
    this.out[this.outLength++] = byte;
    if (this.outLength === OUTPUT_BYTES) this.flush();
  }

  private emitString(from: number, to: number): void {
    const out = this.out;
    if (to - from <= OUTPUT_BYTES - this.outLength && to - from < 64) {
      // Most strings are a few bytes: a plain loop beats creating views.
      let o = this.outLength;
      for (let i = from; i < to; i += 1) out[o++] = this.stack[i];
      this.outLength = o;
      if (o === OUTPUT_BYTES) this.flush();
      return;
    }
    let at = from;
    while (at < to) {
      const n = Math.min(to - at, OUTPUT_BYTES - this.outLength);
      out.set(this.stack.subarray(at, at + n), this.outLength);
      this.outLength += n;
      at += n;
      if (this.outLength === OUTPUT_BYTES) this.flush();
    }
  }

  private flush(): void {
    if (this.outLength === 0) return;
    const length = this.outLength;
    this.outLength = 0;
    this.written += length;
    this.sink(this.out.subarray(0, length));
  }
}
