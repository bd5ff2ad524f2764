import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { describeSample, samplePath } from '../../../test/support/samples.js';
import { compressedTextProbe, decompressHead } from './compressed-text.probe.js';
import { LzwDecoder } from './lzw.js';
import { nmeaProbe } from './nmea.probe.js';
import { probeFor } from './probe-registry.js';
import { rinexProbe } from './rinex.probe.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/compress/${name}`, import.meta.url));
const nmea = readFileSync(new URL('../../../test/fixtures/nmea/midnight.nmea', import.meta.url));
const rinexV2 = readFileSync(new URL('../../../test/fixtures/rinex/probe-v2.26o', import.meta.url));

function lzw(bytes: Buffer, chunkSize: number): Buffer {
  const pieces: Buffer[] = [];
  const decoder = new LzwDecoder((piece) => pieces.push(Buffer.from(piece)));
  for (let i = 0; i < bytes.length; i += chunkSize) decoder.write(bytes.subarray(i, i + chunkSize));
  decoder.end();
  return Buffer.concat(pieces);
}

describe('compressedTextProbe', () => {
  describe('Unix compress (.Z) decoding', () => {
    // Written by ncompress 4.2.4.6 (`compress -b 10`): 300 identical sentences, then 600 of random hex, so the table
    // fills, the width grows to 10 bits and compress clears the table as the ratio drops. `compress -dc | sha256sum`
    // and `wc -c` of the output give the expected figures.
    it.each([1, 7, 1000, 1 << 20])('decodes 10-bit codes with table clears exactly, in %i-byte chunks', (chunkSize) => {
      const out = lzw(fixture('gptxt-b10.nmea.Z'), chunkSize);
      expect(out.length).toBe(54000);
      expect(createHash('sha256').update(out).digest('hex')).toBe('1c69d870fd2a06c18ee3df5795f7159081b2f0cc2c1c5b8da2a97c56d56542f7');
    });

    it('refuses a wrong magic, an impossible code width and a code used before it exists', () => {
      expect(() => lzw(Buffer.from([0x1f, 0x9e, 0x90, 0x41]), 1)).toThrow(/magic is not 1F 9D/);
      expect(() => lzw(Buffer.from([0x1f, 0x9d, 0x91, 0x41]), 1)).toThrow(/17-bit codes/);
      // 'A' then code 300 (9 bits each): 300 is beyond the next free code, 257.
      const codes = 0x41 | (300 << 9);
      expect(() => lzw(Buffer.from([0x1f, 0x9d, 0x90, codes & 0xff, (codes >> 8) & 0xff, codes >> 16]), 1)).toThrow(/code 300 before it was defined/);
      expect(() => lzw(Buffer.from([0x1f, 0x9d]), 1)).toThrow(/ends inside its 3-byte header/);
    });
  });

  describe('sniff', () => {
    it('claims gzip and .Z around RINEX, NMEA and the other text formats, and nothing else compressed', () => {
      expect(compressedTextProbe.sniff(gzipSync(nmea))).toBe(true);
      expect(compressedTextProbe.sniff(gzipSync(rinexV2))).toBe(true);
      expect(compressedTextProbe.sniff(fixture('gptxt-b10.nmea.Z'))).toBe(true);
      expect(compressedTextProbe.sniff(gzipSync(Buffer.from('just some text\nin a gzip file\n')))).toBe(false);
      expect(compressedTextProbe.sniff(Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0]))).toBe(false);
      expect(compressedTextProbe.sniff(nmea)).toBe(false);
      // The registry hands wrapped files to this probe, before any text probe looks at them.
      expect(probeFor(gzipSync(nmea))?.id).toBe('compressed');
    });

    it('decompresses at most HEAD_BYTES of a head, however well it compresses', () => {
      expect(decompressHead('gzip', gzipSync(Buffer.alloc(10 << 20, 0x20))).length).toBe(64 * 1024);
      expect(decompressHead('compress', fixture('nmea-bomb.Z')).length).toBe(64 * 1024);
    });
  });

  describe('wrapped files', () => {
    it.each([7, 1000, 1 << 20])('describes gzip-wrapped NMEA exactly as the plain file, with %i-byte chunks', async (chunkSize) => {
      const plain = await runProbe(nmeaProbe, nmea);
      const wrapped = await runProbe(compressedTextProbe, gzipSync(nmea), { chunkSize });
      const { compression, ...metadata } = wrapped.metadata;
      expect({ ...wrapped, metadata }).toEqual(plain);
      expect(compression).toEqual({ method: 'gzip', compressedBytes: gzipSync(nmea).length, decompressedBytes: nmea.length });
    });

    it.each(['gpx/ride.gpx', 'csv/obd.csv', 'srt/mini3.srt', 'jsonl/dimo.jsonl'])('reads gzip-wrapped %s as the plain file', async (name) => {
      const plain = readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url));
      const expected = await runProbe(probeFor(plain) ?? compressedTextProbe, plain);
      const wrapped = await runProbe(compressedTextProbe, gzipSync(plain), { chunkSize: 100 });
      const { compression, ...metadata } = wrapped.metadata;
      expect({ ...wrapped, metadata }).toEqual(expected);
      expect(compression).toMatchObject({ method: 'gzip', decompressedBytes: plain.length });
    });

    it('reads several gzip members one after the other (as `cat a.gz b.gz` makes)', async () => {
      const half = rinexV2.indexOf('\n', rinexV2.length / 2) + 1;
      const members = Buffer.concat([gzipSync(rinexV2.subarray(0, half)), gzipSync(rinexV2.subarray(half))]);
      const result = await runProbe(compressedTextProbe, members, { chunkSize: 100 });
      expect(result).toMatchObject({ format: 'rinex', counts: { epochs: 3 } });
      expect(result.metadata.compression).toMatchObject({ decompressedBytes: rinexV2.length });
    });

    it('reports a gzip stream cut short as truncated and a damaged one as corrupt', async () => {
      const gz = gzipSync(rinexV2);
      await expectProbeFailure(compressedTextProbe, gz.subarray(0, gz.length - 100), 'truncated', /gzip stream ends before its last block/);
      const damaged = Buffer.from(gz);
      damaged[gz.length - 6] ^= 0xff;
      await expectProbeFailure(compressedTextProbe, damaged, 'corrupt', /gzip stream is damaged/);
    });

    it('stops a .Z bomb at the decompression budget (43 KB that expands to 300 MB of blanks after 4 sentences)', async () => {
      // Made with ncompress 4.2.4.6 from 4 NMEA sentences and 300 lines of 1,000,000 spaces.
      await expectProbeFailure(compressedTextProbe, fixture('nmea-bomb.Z'), 'decompression_bomb', /decompresses to more than 64\.0 MiB/, {
        chunkSize: 1 << 16,
      });
    });
  });

  describeSample('georinex_ac660270.18o.Z', (path) => {
    // Figures from SOURCES.txt: ncompress 4.2.4.6 uncompress (48617 bytes) and RTKLIB 2.4.3 convbin (O=23).
    it('reads the Unix-compressed RINEX 2.11 file: 23 epochs, GPS time to UTC, 24 satellites, 435 records', async () => {
      const result = await runProbe(compressedTextProbe, path, { chunkSize: 1000 });
      expect(result).toMatchObject({
        format: 'rinex',
        counts: { epochs: 23 },
        timeRange: { start: '2018-01-27T00:17:57.000Z', end: '2018-01-27T01:35:57.000Z' },
        warnings: [],
      });
      expect(result.metadata).toMatchObject({
        version: '2.11',
        markerName: 'AC66',
        receiver: { type: 'TRIMBLE NETR9', version: '5.22' },
        observationTypes: { M: ['L1', 'L2', 'C1', 'P2', 'P1', 'S1', 'S2'] },
        intervalSeconds: 15,
        leapSeconds: 18,
        timeSystem: 'GPS',
        satellites: 24,
        satelliteRecords: 435,
        compression: { method: 'compress', compressedBytes: 18290, decompressedBytes: 48617 },
      });
      const { lat, lon, height } = result.metadata.approxPosition as { lat: number; lon: number; height: number };
      expect(lat).toBeCloseTo(51.37813, 6);
      expect(lon).toBeCloseTo(179.301326, 6);
      expect(height).toBeCloseTo(106.8, 1);
      expect(result.footprint).toMatchObject({ kind: 'point', start: '2018-01-27T00:17:57.000Z', end: '2018-01-27T01:35:57.000Z' });
      // Satellites per epoch from the uncompressed epoch lines (a separate Python pass): 16..20, lower median 19.
      expect(result.gnssQuality).toMatchObject({ epochs: 23, medianSatellites: 19, systems: ['G', 'R'] });
    });
  });

  describeSample('georinex_P43300USA_R_20190012056_17M_15S_MO.crx', (path) => {
    it('reads gzip-wrapped Compact RINEX (.crx.gz, as IGS archives serve it) as the plain .crx', async () => {
      const crx = readFileSync(samplePath('georinex_P43300USA_R_20190012056_17M_15S_MO.crx'));
      const plain = await runProbe(rinexProbe, path);
      const wrapped = await runProbe(compressedTextProbe, gzipSync(crx), { chunkSize: 4096 });
      const { compression, ...metadata } = wrapped.metadata;
      expect({ ...wrapped, metadata }).toEqual(plain);
      expect(compression).toMatchObject({ method: 'gzip', decompressedBytes: 125177 });
    });
  });
});
