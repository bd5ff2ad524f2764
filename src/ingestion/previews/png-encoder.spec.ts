import { inflateSync } from 'node:zlib';
import { crc32, encodePng } from './png-encoder.js';

describe('encodePng', () => {
  it('computes the CRC-32 of the standard check string', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('writes a PNG whose chunks, CRCs and pixels read back', () => {
    const data = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 255, 10, 20, 30, 40]);
    const png = encodePng({ width: 2, height: 2, data });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const chunks: { type: string; data: Buffer }[] = [];
    for (let at = 8; at < png.length;) {
      const length = png.readUInt32BE(at);
      const type = png.toString('latin1', at + 4, at + 8);
      const body = png.subarray(at + 8, at + 8 + length);
      expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
      chunks.push({ type, data: body });
      at += 12 + length;
    }
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(chunks[0].data.readUInt32BE(0)).toBe(2);
    expect(chunks[0].data.readUInt32BE(4)).toBe(2);
    expect([chunks[0].data[8], chunks[0].data[9]]).toEqual([8, 6]);
    const raw = inflateSync(chunks[1].data);
    expect([...raw]).toEqual([0, ...data.subarray(0, 8), 0, ...data.subarray(8)]);
  });

  it('refuses pixel data of the wrong length', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(15) })).toThrow('expected 16 bytes');
  });
});
