import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import lz4js from 'lz4js';
import { driveProbe, probeFailure } from '../../../test/support/probe-harness.js';
import { describeSample } from '../../../test/support/samples.js';
import { decompressLz4Frame, mcapDecompressHandlers } from './lz4-frame.js';
import { rosbagProbe } from './rosbag.probe.js';

/** 1 MB of text-like bytes: runs and literals, as sensor logs compress. */
const raw = Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => ((i * 7919) % 251 < 100 ? 65 : i & 255)));
const frame = Buffer.from(lz4js.compress(raw));

/** The frame with its first block's size field (after the 7-byte frame header) claiming far more than follows. */
function damaged(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt32LE(0x003f_ffff, 7);
  return copy;
}

describe('decompressLz4Frame', () => {
  it('decompresses an LZ4 frame', () => {
    expect(Buffer.from(decompressLz4Frame(frame, raw.length)).equals(raw)).toBe(true);
  });

  it('refuses damaged and cut frames, and still decompresses every valid frame after them', () => {
    // @foxglove/wasm-lz4's own export fails every frame after the first damaged one, valid or not.
    for (const bad of [damaged(frame), frame.subarray(0, frame.length >> 1), frame.subarray(0, 7)]) {
      expect(() => decompressLz4Frame(bad, raw.length)).toThrow(/LZ4 frame is damaged/);
      expect(Buffer.from(decompressLz4Frame(frame, raw.length)).equals(raw)).toBe(true);
    }
    // A declared size too small for the frame is a failed frame too.
    expect(() => decompressLz4Frame(frame, 10)).toThrow(/LZ4 frame is damaged/);
    expect(Buffer.from(decompressLz4Frame(frame, raw.length)).equals(raw)).toBe(true);
  });

  it('keeps going across many failures in a row, each retiring its instance', () => {
    for (let i = 0; i < 60; i++) {
      expect(() => decompressLz4Frame(damaged(frame), raw.length)).toThrow();
      expect(decompressLz4Frame(frame, raw.length).byteLength).toBe(raw.length);
    }
  });

  it('is the LZ4 of the MCAP decompressors', async () => {
    const handlers = await mcapDecompressHandlers();
    expect(() => handlers.lz4(damaged(frame), BigInt(raw.length))).toThrow(/LZ4 frame is damaged/);
    expect(Buffer.from(handlers.lz4(frame, BigInt(raw.length))).equals(raw)).toBe(true);
    expect(Object.keys(handlers).sort()).toEqual(['bz2', 'lz4', 'zstd']);
  });
});

describeSample('example-lz4.bag', (path) => {
  it('probes a valid LZ4 bag right after a damaged copy of it failed', async () => {
    const bytes = readFileSync(path);
    // Damage the first chunk's compressed bytes (it starts at byte 4117; its data follows a short header).
    const copy = Buffer.from(bytes);
    for (let i = 4300; i < 4400; i++) copy[i] ^= 0xff;
    const failure = await probeFailure(rosbagProbe, copy);
    expect(failure.message).toMatch(/cannot be read|damaged|corrupt/i);
    const run = await driveProbe(rosbagProbe, path);
    expect(run.error).toBeUndefined();
  });
});
