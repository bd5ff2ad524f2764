import { readFileSync } from 'node:fs';

import { expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { describeSample } from '../../../test/support/samples.js';
import { ecefToWgs84, repairCrxLine, rinexProbe } from './rinex.probe.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/rinex/${name}`, import.meta.url)).toString('latin1');
const v3 = fixture('ljub-v3.26o');
const v2 = fixture('probe-v2.26o');
const bytes = (text: string) => Buffer.from(text, 'latin1');
/** Replaces one header line, found by its label, keeping the label in columns 61-80. */
const withHeader = (text: string, label: string, content: string) =>
  text.replace(new RegExp(`^.*${label.replace(/[/#]/g, '\\$&')}\\s*$`, 'm'), `${content.padEnd(60)}${label.padEnd(20)}`);

/** Compact RINEX text difference of `next` against `previous` (RNX2CRX's rule): same = blank, blank = '&', else new. */
function crxDiff(previous: string, next: string): string {
  let out = '';
  for (let i = 0; i < Math.max(previous.length, next.length); i += 1) {
    const [p, n] = [previous[i] ?? ' ', next[i] ?? ' '];
    out += p === n ? ' ' : n === ' ' ? '&' : n;
  }
  return out.trimEnd();
}

/**
 * RINEX 2 to CRINEX 1.0 for the epoch structure only: header verbatim after the two CRINEX lines, epoch lines with all
 * satellites on one line and text-differenced, a blank clock line, one line of (made-up) differenced values per
 * satellite, events in full with their records verbatim. The probe never reconstructs values, so the values are not real.
 */
function toCrx1(rinex: string): string {
  const lines = rinex.split('\n');
  const end = lines.findIndex((l) => l.includes('END OF HEADER'));
  const out = [
    `${'1.0'.padEnd(20)}${'COMPACT RINEX FORMAT'.padEnd(40)}CRINEX VERS   / TYPE`,
    `${'RNX2CRX ver.4.0.7'.padEnd(40)}${'15-Jan-26 12:00'.padEnd(20)}CRINEX PROG / DATE`,
    ...lines.slice(0, end + 1),
  ];
  let previous = '';
  for (let i = end + 1; i < lines.length;) {
    const line = lines[i];
    if (line.trim() === '') {
      i += 1;
      continue;
    }
    const [flag, count] = [Number(line[28]), Number(line.slice(29, 32))];
    if (flag >= 2) {
      out.push(`&${line.slice(1)}`, ...lines.slice(i + 1, i + 1 + count));
      i += 1 + count;
      previous = '';
      continue;
    }
    const continuation = Math.ceil(count / 12) - 1;
    const satellites = lines.slice(i, i + 1 + continuation).map((l) => l.slice(32, 68).trimEnd());
    const full = line.slice(0, 32) + satellites.join('');
    out.push(previous === '' ? `&${full.slice(1)}` : crxDiff(previous, full), '');
    for (let k = 0; k < count; k += 1) out.push(`3&${21000000000 + k} 3&${110000000 + k}  3&4${k}000 -123 4`);
    previous = full;
    i += 1 + continuation + count * 2;
  }
  return out.join('\n');
}

describe('rinexProbe', () => {
  describe('sniff', () => {
    it('claims RINEX 2 and 3 observation files and Hatanaka files by the label in columns 61-80', () => {
      expect(rinexProbe.sniff(bytes(v3))).toBe(true);
      expect(rinexProbe.sniff(bytes(v2))).toBe(true);
      expect(rinexProbe.sniff(bytes('1.0                 COMPACT RINEX FORMAT                    CRINEX VERS   / TYPE\n'))).toBe(true);
    });

    it('refuses the label in other columns, prose, and binary data', () => {
      expect(rinexProbe.sniff(bytes(`RINEX VERSION / TYPE     3.04           OBSERVATION DATA    M (MIXED)\n`))).toBe(false);
      expect(rinexProbe.sniff(bytes('$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,M,,0000*7D\n'))).toBe(false);
      expect(rinexProbe.sniff(Buffer.concat([bytes(v3.slice(0, 40)), Buffer.from([0, 0, 0, 1]), bytes(v3.slice(40))]))).toBe(false);
    });
  });

  describe('good observation files', () => {
    it.each([7, 81, 1 << 20])('describes a RINEX 3.04 mixed file with %i-byte chunks', async (chunkSize) => {
      const result = await runProbe(rinexProbe, bytes(v3), { chunkSize });
      expect(result).toMatchObject({
        format: 'rinex',
        modality: 'gnss',
        // The file's epochs are GPS time, 18 s ahead of UTC in 2026.
        timeRange: { start: '2026-01-15T09:59:42.000Z', end: '2026-01-15T09:59:44.000Z' },
        durationSeconds: 2,
        warnings: [],
      });
      expect(result.metadata).toMatchObject({
        version: '3.04',
        fileType: 'O',
        satelliteSystem: { code: 'M', name: 'Mixed' },
        program: 'sbf2rin-15.4.0',
        markerName: 'LJUB',
        markerNumber: '14001M001',
        markerType: 'GEODETIC',
        observer: 'OPERATOR',
        agency: 'TEST AGENCY',
        receiver: { number: '3047521', type: 'SEPT POLARX5', version: '5.4.0' },
        antenna: { number: '725411', type: 'LEIAR25.R4      LEIT' },
        approxPositionXyz: [4292658.3747, 1113642.6598, 4569164.0912],
        intervalSeconds: 1,
        timeSystem: 'GPS',
        timeSystemMinusUtcSeconds: 18,
        firstEpoch: '2026-01-15T10:00:00.000 GPS',
        lastEpoch: '2026-01-15T10:00:02.000 GPS',
        leapSeconds: 18,
        timeOfFirstObs: '2026-01-15T09:59:42.000Z',
        timeOfLastObs: '2026-01-15T09:59:44.000Z',
        // The G list continues on a second line: 13 + 1 types.
        observationTypes: {
          G: ['C1C', 'L1C', 'D1C', 'S1C', 'C2W', 'L2W', 'C2L', 'L2L', 'C5Q', 'L5Q', 'D5Q', 'S5Q', 'C1W', 'S1W'],
          E: ['C1C', 'L1C', 'C5Q', 'L5Q'],
        },
        epochs: 3,
        eventEpochs: 1,
        satellites: 4,
        satellitesClaimed: 4,
      });
      // The fixture's XYZ was computed from 46.0475N 14.5436E 348 m; Python's iterative inverse agrees.
      const { lat, lon, height } = result.metadata.approxPosition as { lat: number; lon: number; height: number };
      expect(lat).toBeCloseTo(46.0475, 7);
      expect(lon).toBeCloseTo(14.5436, 7);
      expect(height).toBeCloseTo(348, 2);
      expect(result.bbox).toEqual([lon, lat, lon, lat]);
    });

    it.each([7, 1 << 20])(
      'describes a RINEX 2.11 file (2 lines per satellite, 13 satellites over 2 lines) with %i-byte chunks',
      async (chunkSize) => {
        const result = await runProbe(rinexProbe, bytes(v2), { chunkSize });
        expect(result.timeRange).toEqual({ start: '2026-01-15T23:59:12.000Z', end: '2026-01-16T00:00:12.000Z' });
        expect(result.warnings).toEqual([]);
        expect(result.metadata).toMatchObject({
          version: '2.11',
          satelliteSystem: { code: 'G', name: 'GPS' },
          markerName: 'PROBE',
          receiver: { number: '', type: 'TRIMBLE NETR9', version: '5.45' },
          observationTypes: { G: ['C1', 'L1', 'L2', 'P2', 'P1', 'D1', 'D2', 'S1'] },
          intervalSeconds: 30,
          epochs: 3,
          eventEpochs: 1,
          satellites: 13,
          satellitesClaimed: 13,
        });
      },
    );

    it('follows a RINEX 2 event that redefines the observation types (and so the lines per satellite)', async () => {
      const event = '                            4  1\n' + `${'     4    C1    L1    L2    P2'.padEnd(60)}${'# / TYPES OF OBSERV'.padEnd(20)}\n`;
      const last = ' 26 01 16  0  0 30.0000000  0  2G02G05\n' + '  23000000.000    23000001.000    23000002.000    23000003.000\n'.repeat(2);
      const changed = v2.slice(0, v2.indexOf('                            4  1')) + event + last;
      const result = await runProbe(rinexProbe, bytes(changed), { chunkSize: 7 });
      expect(result.metadata).toMatchObject({ epochs: 3, eventEpochs: 1, observationTypes: { G: ['C1', 'L1', 'L2', 'P2'] } });
    });

    it('converts ECEF to WGS84 at the poles, the equator and the antimeridian', () => {
      const north = ecefToWgs84(0, 0, 6356752.314245);
      expect(north.lat).toBeCloseTo(90, 9);
      expect(north.height).toBeCloseTo(0, 3);
      const equator = ecefToWgs84(-6378137, 0, 0);
      expect([equator.lat, Math.abs(equator.lon), equator.height]).toEqual([0, 180, 0]);
    });
  });

  describe('header claims the body contradicts: warnings, never rejections', () => {
    it('accepts a file that stops between epochs before TIME OF LAST OBS, with the epochs it holds', async () => {
      const cut = v2.slice(0, v2.lastIndexOf(' 26 01 16  0  0 30.0000000'));
      const result = await runProbe(rinexProbe, bytes(cut));
      expect(result.counts).toEqual({ epochs: 2 });
      expect(result.timeRange).toEqual({ start: '2026-01-15T23:59:12.000Z', end: '2026-01-15T23:59:42.000Z' });
      expect(result.warnings).toEqual([
        'the header says observations end at 2026-01-16T00:00:30.000 GPS (TIME OF LAST OBS) but the file holds 2 epochs from 2026-01-15T23:59:30.000 GPS to 2026-01-16T00:00:00.000 GPS',
      ]);
    });

    it('warns about a satellite count, a first observation time and leap seconds the body contradicts', async () => {
      const fewer = await runProbe(rinexProbe, bytes(withHeader(v3, '# OF SATELLITES', '     2')));
      expect(fewer.warnings).toEqual(['the header claims 2 satellites (# OF SATELLITES) but the epochs list 4']);
      expect(fewer.metadata).toMatchObject({ satellites: 4, satellitesClaimed: 2 });
      const later = await runProbe(rinexProbe, bytes(withHeader(v2, 'TIME OF FIRST OBS', '  2026     1    16     0     0    0.0000000     GPS')));
      expect(later.warnings).toEqual([
        'the header says observations start at 2026-01-16T00:00:00.000 GPS (TIME OF FIRST OBS) but the file holds 3 epochs from 2026-01-15T23:59:30.000 GPS to 2026-01-16T00:00:30.000 GPS',
      ]);
      const leap = await runProbe(rinexProbe, bytes(withHeader(v3, 'LEAP SECONDS', '    17')));
      expect(leap.warnings).toEqual([
        'the header says 17 leap seconds (LEAP SECONDS) but GPS - UTC was 18 s at the first epoch; the leap-second table is used',
      ]);
      expect(leap.timeRange?.start).toBe('2026-01-15T09:59:42.000Z');
      // RINEX 3.02+ may give BDT - UTC (GPS - UTC - 14 s) with BDS in columns 25-27: 4 s in 2026 is right.
      const bds = await runProbe(rinexProbe, bytes(withHeader(v3, 'LEAP SECONDS', `     4${' '.repeat(18)}BDS`)));
      expect(bds.warnings).toEqual([]);
    });
  });

  describe('time systems', () => {
    const inSystem = (text: string, code: string) =>
      withHeader(
        withHeader(text, 'TIME OF FIRST OBS', `  2026     1    15    10     0    0.0000000     ${code}`),
        'TIME OF LAST OBS',
        `  2026     1    15    10     0    2.0000000     ${code}`,
      );

    it.each([
      ['GPS', '2026-01-15T09:59:42.000Z', 18],
      ['GAL', '2026-01-15T09:59:42.000Z', 18],
      ['QZS', '2026-01-15T09:59:42.000Z', 18],
      // BDT = GPS - 14 s: 4 s ahead of UTC.
      ['BDT', '2026-01-15T09:59:56.000Z', 4],
      // RINEX writes GLONASS epochs in UTC (the 3 h of GLONASS system time already removed).
      ['GLO', '2026-01-15T10:00:00.000Z', 0],
    ])('converts %s epochs to UTC', async (code, start, ahead) => {
      const result = await runProbe(rinexProbe, bytes(inSystem(v3, code)));
      expect(result.timeRange?.start).toBe(start);
      expect(result.metadata).toMatchObject({ timeSystem: code, timeSystemMinusUtcSeconds: ahead, firstEpoch: `2026-01-15T10:00:00.000 ${code}` });
    });

    it('takes the time system from the satellite system when TIME OF FIRST OBS leaves it blank, and says so for a mixed file', async () => {
      const glonass = withHeader(
        inSystem(v2, '   ').replace('G (GPS)', 'R (GLO)'),
        'TIME OF LAST OBS',
        '  2026     1    16     0     0   30.0000000',
      );
      const withGlonassTimes = withHeader(glonass, 'TIME OF FIRST OBS', '  2026     1    15    23    59   30.0000000');
      const result = await runProbe(rinexProbe, bytes(withGlonassTimes));
      expect(result.metadata).toMatchObject({ timeSystem: 'GLO', satelliteSystem: { code: 'R' } });
      expect(result.timeRange).toEqual({ start: '2026-01-15T23:59:30.000Z', end: '2026-01-16T00:00:30.000Z' });
      expect(result.warnings).toEqual([]);
      const mixed = await runProbe(rinexProbe, bytes(inSystem(v3, '   ')));
      expect(mixed.metadata).toMatchObject({ timeSystem: 'GPS' });
      expect(mixed.warnings).toEqual(['the header does not say which time system a mixed file uses (TIME OF FIRST OBS): GPS assumed']);
    });
  });

  describe('RINEX 4', () => {
    it('reads a 4.01 observation header with DOI, LICENSE OF USE and STATION INFORMATION, and its epochs as in 3', async () => {
      const v4 = withHeader(v3, 'RINEX VERSION / TYPE', '     4.01           OBSERVATION DATA    M').replace(
        /^(.*END OF HEADER.*)$/m,
        [
          `${'10.5281/zenodo.1234567'.padEnd(60)}DOI`,
          `${'CC BY 4.0 https://creativecommons.org/licenses/by/4.0/'.padEnd(60)}LICENSE OF USE`,
          `${'https://network.example.org/stations/LJUB00SVN'.padEnd(60)}STATION INFORMATION`,
          '$1',
        ].join('\n'),
      );
      const plain = await runProbe(rinexProbe, bytes(v3));
      const result = await runProbe(rinexProbe, bytes(v4));
      expect(result.metadata).toMatchObject({
        version: '4.01',
        doi: '10.5281/zenodo.1234567',
        license: 'CC BY 4.0 https://creativecommons.org/licenses/by/4.0/',
        stationInformation: 'https://network.example.org/stations/LJUB00SVN',
        epochs: plain.metadata.epochs,
      });
      expect(result.timeRange).toEqual(plain.timeRange);
      expect(result.warnings).toEqual([]);
    });
  });

  describe('footprint', () => {
    it('says why a file has no footprint: no position, an unknown (0, 0, 0) one, or one off the Earth', async () => {
      const cases: [string, RegExp][] = [
        ['        0.0000        0.0000        0.0000', /0, 0, 0 \(unknown\)/],
        ['     1000.0000     1000.0000     1000.0000', /lies 2 km from the Earth's centre/],
      ];
      for (const [xyz, reason] of cases) {
        const result = await runProbe(rinexProbe, bytes(withHeader(v3, 'APPROX POSITION XYZ', xyz)));
        expect(result.footprint).toBeNull();
        expect(result.footprintReason).toMatch(reason);
        expect(result.bbox).toBeUndefined();
      }
    });
  });

  describe('Compact RINEX (Hatanaka)', () => {
    it('repairs a differenced epoch line: blank keeps, & blanks, anything else replaces, the old tail stays', () => {
      expect(repairCrxLine('> 2019 01 01 20 56 45.0000000  0 27', '                 7 &0')).toBe('> 2019 01 01 20 57  0.0000000  0 27');
      expect(repairCrxLine(' 26 01 15 23 59 30.0000000  0  4G02G05G07G09', '        6 &0 &0 &             13            G12')).toBe(
        ' 26 01 16  0  0  0.0000000  0 13G02G05G07G09G12',
      );
      // A shorter difference leaves the old tail in place.
      expect(repairCrxLine(' 26 01 16  0  0  0.0000000  0  2G02G05', '                3')).toBe(' 26 01 16  0  0 30.0000000  0  2G02G05');
    });

    it.each([7, 1 << 20])('reads CRINEX 1.0 epochs, events and satellites as the RINEX 2 it encodes, with %i-byte chunks', async (chunkSize) => {
      const plain = await runProbe(rinexProbe, bytes(v2));
      const compact = await runProbe(rinexProbe, bytes(toCrx1(v2)), { chunkSize });
      const { compactRinex, ...metadata } = compact.metadata;
      expect({ ...compact, metadata }).toEqual(plain);
      expect(compactRinex).toEqual({ version: '1.0', program: 'RNX2CRX ver.4.0.7', createdAt: '15-Jan-26 12:00' });
      // 4 + 13 + 2 satellites in the three observation epochs.
      expect(plain.metadata).toMatchObject({ epochs: 3, eventEpochs: 1, satellites: 13, satelliteRecords: 19 });
    });

    it('rejects a differenced epoch with nothing to difference, a cut epoch and an epoch that lists too few data lines', async () => {
      const crx = toCrx1(v2);
      const lines = crx.split('\n');
      const firstEpoch = lines.findIndex((l) => l.startsWith('&26'));
      const unanchored = [...lines.slice(0, firstEpoch), lines[firstEpoch].replace('&', ' '), ...lines.slice(firstEpoch + 1)].join('\n');
      await expectProbeFailure(rinexProbe, bytes(unanchored), 'corrupt', /should start an epoch written in full \('&' in column 1\)/);
      await expectProbeFailure(rinexProbe, bytes(lines.slice(0, firstEpoch + 3).join('\n')), 'truncated', /ends inside the epoch at line/);
      const short = [...lines.slice(0, firstEpoch + 4), ...lines.slice(firstEpoch + 6)].join('\n');
      // The next epoch's difference line is taken as a data line, so a later data line fails as an epoch line.
      await expectProbeFailure(rinexProbe, bytes(short), 'corrupt', /line \d+ should start an epoch but is not a valid Compact RINEX 1.0 epoch line/);
      // A full epoch line where a data line belongs shows the count was wrong at once.
      const early = [...lines.slice(0, firstEpoch + 4), lines[firstEpoch], ...lines.slice(firstEpoch + 4)].join('\n');
      await expectProbeFailure(rinexProbe, bytes(early), 'corrupt', /lists 4 satellites but line \d+ starts a new epoch/);
    });
  });

  describe('files this probe must not accept', () => {
    it('refuses a Compact RINEX version other than 1.0 and 3.0, and a CRINEX 1.0 holding RINEX 3', async () => {
      const crx = (version: string, body: string) =>
        `${version.padEnd(20)}${'COMPACT RINEX FORMAT'.padEnd(40)}CRINEX VERS   / TYPE\n` +
        `${'RNX2CRX ver.4.0.7'.padEnd(40)}${'15-Jan-26 12:00'.padEnd(20)}CRINEX PROG / DATE\n${body}`;
      await expectProbeFailure(rinexProbe, bytes(crx('2.0', v3)), 'unsupported', /Compact RINEX version '2.0' is not supported/);
      await expectProbeFailure(rinexProbe, bytes(crx('1.0', v3)), 'corrupt', /CRINEX 1.0 cannot hold RINEX 3.04/);
    });

    it('refuses navigation files as not observation data', async () => {
      const nav = withHeader(v3, 'RINEX VERSION / TYPE', '     3.04           N: GNSS NAV DATA    M: MIXED');
      await expectProbeFailure(rinexProbe, bytes(nav), 'unsupported', /holds navigation data, not observations/);
    });

    it('reports a file cut inside an epoch as truncated', async () => {
      const cut = v3.slice(0, v3.lastIndexOf('E11'));
      await expectProbeFailure(
        rinexProbe,
        bytes(cut),
        'truncated',
        /ends inside the epoch at line 31, which declares 4 satellites; 2 complete epochs before it/,
        { chunkSize: 7 },
      );
    });

    it('reports a header without epochs, or without its end, as truncated', async () => {
      const headerOnly = v3.slice(0, v3.indexOf('>'));
      await expectProbeFailure(rinexProbe, bytes(headerOnly), 'truncated', /header but no observation epoch/);
      await expectProbeFailure(rinexProbe, bytes(v3.slice(0, 800)), 'truncated', /ends inside its header/);
    });

    it('rejects an epoch that lists fewer satellites than it declares', async () => {
      const lying = v3.replace('> 2026 01 15 10 00  1.0000000  0  3', '> 2026 01 15 10 00  1.0000000  0  4');
      await expectProbeFailure(rinexProbe, bytes(lying), 'corrupt', /epoch at line 25 declares 4 satellites but line 29 is not a satellite record/);
    });

    it('rejects epochs going back in time and lines that are not epochs', async () => {
      const backwards = v3.replace('> 2026 01 15 10 00  2.0000000', '> 2026 01 15 09 00  2.0000000');
      await expectProbeFailure(rinexProbe, bytes(backwards), 'corrupt', /epoch 2026-01-15T09:00:02.000Z comes before the previous one/);
      await expectProbeFailure(
        rinexProbe,
        bytes(`${v2}this is not an epoch\n`),
        'corrupt',
        /line 57 should start an epoch but is not a valid RINEX 2 epoch line/,
      );
    });

    it('rejects binary data in the body', async () => {
      const binary = Buffer.concat([bytes(v3), Buffer.from([0x89, 0x00, 0xff, 0x10])]);
      // skipSniff: as if the binary tail lay beyond the 64 KiB head the sniffer sees.
      await expectProbeFailure(rinexProbe, binary, 'corrupt', /binary data \(a NUL byte\) at byte 3466/, { skipSniff: true, chunkSize: 7 });
    });
  });

  describeSample('demo3.10o', (path) => {
    // The gLAB demo file holds 2 epochs of a day whose header claims observations until 23:59:30: an excerpt that
    // gLAB, RTKLIB and georinex read. Figures checked by hand: `grep -c '^>'` = 2, and a separate Python
    // ECEF->geodetic iteration for the position; GPS - UTC was 15 s in March 2010 (IERS Bulletin C).
    it('is ready, with a warning that TIME OF LAST OBS lies after its last epoch, and times converted from GPS to UTC', async () => {
      const result = await runProbe(rinexProbe, path, { chunkSize: 13 });
      expect(result.warnings).toEqual([
        'the header says observations end at 2010-03-05T23:59:30.000 GPS (TIME OF LAST OBS) but the file holds 2 epochs from 2010-03-05T00:00:00.000 GPS to 2010-03-05T00:00:30.000 GPS',
      ]);
      expect(result.metadata).toMatchObject({
        version: '3.01',
        satelliteSystem: { code: 'M', name: 'Mixed' },
        program: 'gLAB',
        runBy: 'gAGE',
        markerName: 'MRKR',
        markerNumber: '9080.1.34',
        markerType: 'GEODETIC',
        receiver: { number: 'IR2200716006', type: 'ASHTECH UZ-12', version: 'CQ00' },
        antenna: { number: '482', type: 'AOAD/M_T        NONE' },
        approxPositionXyz: [4789028.4701, 176610.0133, 4195017.031],
        intervalSeconds: 30,
        timeSystem: 'GPS',
        timeSystemMinusUtcSeconds: 15,
        timeOfFirstObs: '2010-03-04T23:59:45.000Z',
        timeOfLastObs: '2010-03-05T23:59:15.000Z',
        observationTypes: { G: ['L1C', 'L2P', 'C1P', 'C2P', 'C1C', 'S1P', 'S2P'], R: ['L1C', 'C1C', 'S1C'], S: ['L1C', 'C1C', 'S1C'] },
        epochs: 2,
        satellites: 14,
        satellitesClaimed: 14,
      });
      const { lat, lon, height } = result.metadata.approxPosition as { lat: number; lon: number; height: number };
      expect(lat).toBeCloseTo(41.38871005, 7);
      expect(lon).toBeCloseTo(2.11199932, 7);
      expect(height).toBeCloseTo(166.2509, 3);
      expect(result.timeRange).toEqual({ start: '2010-03-04T23:59:45.000Z', end: '2010-03-05T00:00:15.000Z' });
    });
  });

  describeSample('georinex_ab430140.18o', (path) => {
    // Expected figures from SOURCES.txt: RTKLIB 2.4.3 convbin (00:00:00-00:02:00 GPS, O=9) and its own epoch reader.
    it('reads a RINEX 2.11 GPS-time file with 20 observation types (4 lines per satellite) and converts its epochs to UTC', async () => {
      const result = await runProbe(rinexProbe, path);
      expect(result.warnings).toEqual([]);
      expect(result.counts).toEqual({ epochs: 9 });
      expect(result.timeRange).toEqual({ start: '2018-01-13T23:59:42.000Z', end: '2018-01-14T00:01:42.000Z' });
      expect(result.metadata).toMatchObject({ version: '2.11', markerName: 'AB43', timeSystem: 'GPS', leapSeconds: 18, satellites: 24 });
      const { lat, lon } = result.metadata.approxPosition as { lat: number; lon: number };
      expect(lat).toBeCloseTo(58.198842, 5);
      expect(lon).toBeCloseTo(-136.640808, 5);
      expect(result.footprint).toMatchObject({ kind: 'point', start: '2018-01-13T23:59:42.000Z', end: '2018-01-14T00:01:42.000Z' });
      // SOURCES.txt: 24 satellites, G10 E6 R8.
      expect(result.gnssQuality?.systems).toEqual(['E', 'G', 'R']);
    });
  });

  describeSample('georinex_P43300USA_R_20190012056_17M_15S_MO.crx', (path) => {
    // Figures from SOURCES.txt: CRX2RNX 4.1.0 then RTKLIB 2.4.3 convbin (20:56:45-21:14:00 GPS, O=70), an epoch reader
    // on the decompressed RINEX (37 satellites: G11 R8 E7 C7 S4, 2447 satellite records), gdaltransform for lat/lon.
    it('reads the CRINEX 3.0 file of RINEX 3.03: 70 epochs, GPS time to UTC, satellites and records as CRX2RNX gives', async () => {
      const result = await runProbe(rinexProbe, path, { chunkSize: 4096 });
      expect(result).toMatchObject({
        format: 'rinex',
        counts: { epochs: 70 },
        timeRange: { start: '2019-01-01T20:56:27.000Z', end: '2019-01-01T21:13:42.000Z' },
        warnings: [],
      });
      expect(result.metadata).toMatchObject({
        compactRinex: { version: '3.0', program: 'RNX2CRX ver.4.0.6' },
        version: '3.03',
        markerName: 'p433',
        receiver: { type: 'SEPT POLARX5', version: '5.1.1' },
        antenna: { type: 'TRM59800.80     SCIT' },
        intervalSeconds: 15,
        timeSystem: 'GPS',
        firstEpoch: '2019-01-01T20:56:45.000 GPS',
        lastEpoch: '2019-01-01T21:14:00.000 GPS',
        timeOfFirstObs: '2019-01-01T20:56:27.000Z',
        timeOfLastObs: '2019-01-01T21:13:42.000Z',
        epochs: 70,
        satellites: 37,
        satelliteRecords: 2447,
      });
      const types = result.metadata.observationTypes as Record<string, string[]>;
      expect(Object.fromEntries(Object.entries(types).map(([system, list]) => [system, list.length]))).toEqual({ G: 14, E: 15, S: 6, R: 6, C: 9 });
      const { lat, lon, height } = result.metadata.approxPosition as { lat: number; lon: number; height: number };
      expect(lat).toBeCloseTo(44.532535, 6);
      expect(lon).toBeCloseTo(-119.872009, 6);
      expect(height).toBeCloseTo(1158.9, 1);
      // A static receiver: a point footprint at the header position, over the observation span (UTC).
      expect(result.footprint).toMatchObject({
        kind: 'point',
        start: '2019-01-01T20:56:27.000Z',
        end: '2019-01-01T21:13:42.000Z',
        positions: 1,
        source: 'RINEX APPROX POSITION XYZ',
      });
      const [pointLon, pointLat] = (result.footprint?.geometry.coordinates ?? []) as number[];
      expect(pointLat).toBeCloseTo(44.532535, 6);
      expect(pointLon).toBeCloseTo(-119.872009, 6);
      // Satellites per epoch (a separate Python pass over the repaired epoch lines: 70 epochs, 2447 in all, lower
      // median 35); systems from the observation types. RINEX carries no fix type or HDOP.
      expect(result.gnssQuality).toEqual({
        epochs: 70,
        rtkFixed: 0,
        rtkFloat: 0,
        dgps: 0,
        fix3d: 0,
        fix2d: 0,
        noFix: 0,
        medianHdop: null,
        medianSatellites: 35,
        systems: ['C', 'E', 'G', 'R', 'S'],
      });
    });
  });
});
