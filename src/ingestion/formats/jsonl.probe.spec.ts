import { readFileSync } from 'node:fs';

import { expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { jsonlProbe } from './jsonl.probe.js';

const fixture = readFileSync(new URL('../../../test/fixtures/jsonl/dimo.jsonl', import.meta.url));
const text = fixture.toString('utf8');
const lines = (records: unknown[]) => Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
/** Flat OBD records, one per second from 2026-04-02T08:00:00Z, epoch milliseconds in `ts`. */
const flat = (n: number) =>
  lines(Array.from({ length: n }, (_, i) => ({ ts: Date.UTC(2026, 3, 2, 8, 0, i), rpm: 800 + i, lat: 48.1 + i / 1000, lon: 11.5 + i / 1000 })));

describe('jsonlProbe', () => {
  describe('sniff', () => {
    it('claims files whose first line is a JSON object', () => {
      expect(jsonlProbe.sniff(fixture)).toBe(true);
      expect(jsonlProbe.sniff(Buffer.from('\n\n{"a":1}\n'))).toBe(true);
    });

    it('refuses pretty-printed JSON, arrays, CSV, NMEA, GPX, a cut first line and binary data', () => {
      expect(jsonlProbe.sniff(Buffer.from('{\n  "a": 1\n}\n'))).toBe(false);
      expect(jsonlProbe.sniff(Buffer.from('[{"a":1}]\n'))).toBe(false);
      expect(jsonlProbe.sniff(Buffer.from('timestamp,lat,lon\n1,2,3\n'))).toBe(false);
      expect(jsonlProbe.sniff(Buffer.from('$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33\n'))).toBe(false);
      expect(jsonlProbe.sniff(Buffer.from('<?xml version="1.0"?><gpx/>\n'))).toBe(false);
      expect(jsonlProbe.sniff(Buffer.concat([Buffer.from('{"a":'), Buffer.alloc(64 * 1024, 0x31)]))).toBe(false);
      expect(jsonlProbe.sniff(Buffer.from([0x7b, 0x7d, 0x0a, 0x00, 0xff]))).toBe(false);
    });
  });

  describe('DIMO CloudEvents', () => {
    it.each([1, 7, 1 << 20])('counts events and signals, pairs location signals, with %i-byte chunks', async (chunkSize) => {
      const { footprint, ...result } = await runProbe(jsonlProbe, fixture, { chunkSize });
      // Location signals paired by timestamp; the (0, 0) fix is dropped and counted.
      expect(footprint).toMatchObject({
        kind: 'track',
        positions: 3,
        bbox: [-3.7038, 40.4168, -3.7, 40.418],
        start: '2026-04-02T10:00:00.000Z',
        end: '2026-04-02T10:00:30.250Z',
        dropped: { invalid: 0, nullIsland: 1, jumps: 0 },
      });
      expect(result).toEqual({
        format: 'jsonl',
        warnings: ['1 position(s) dropped from the footprint: 1 at (0, 0).'],
        counts: { rows: 5 },
        modality: 'telemetry',
        // Signal timestamps, or the event's time when its signals have none (the 09:59 event).
        timeRange: { start: '2026-04-02T09:59:00.000Z', end: '2026-04-02T10:02:00.000Z' },
        // Two fixes of event 1 (paired by timestamp) and the coordinates object of event 2; 0,0 of event 3 is no fix.
        bbox: [-3.7038, 40.4168, -3.7, 40.418],
        durationSeconds: 180,
        metadata: {
          records: 5,
          malformedRecords: 0,
          firstMalformedLine: undefined,
          cloudEvents: 5,
          eventTypes: { 'dimo.status': 4, 'dimo.fingerprint': 1 },
          subjects: 2,
          sources: 1,
          signalNames: [
            'speed',
            'currentLocationLatitude',
            'currentLocationLongitude',
            'powertrainTransmissionTravelledDistance',
            'currentLocationCoordinates',
            'obdEngineLoad',
            'lowVoltageBatteryCurrentVoltage',
          ],
          signalCounts: {
            speed: 3,
            currentLocationLatitude: 3,
            currentLocationLongitude: 3,
            powertrainTransmissionTravelledDistance: 1,
            currentLocationCoordinates: 1,
            obdEngineLoad: 1,
            lowVoltageBatteryCurrentVoltage: 1,
          },
          signalValues: 13,
          // Event 4 carries a signal without a name.
          malformedSignals: 1,
          otherSignalNames: undefined,
          keys: undefined,
          invalidTimes: 0,
          positions: 3,
          invalidPositions: 0,
        },
      });
    });
  });

  describe('flat records', () => {
    it('uses the keys as signals, a ts key in epoch ms and lat/lon keys', async () => {
      const result = await runProbe(jsonlProbe, flat(120), { chunkSize: 7 });
      expect(result.timeRange).toEqual({ start: '2026-04-02T08:00:00.000Z', end: '2026-04-02T08:01:59.000Z' });
      expect(result.bbox?.[0]).toBeCloseTo(11.5, 9);
      expect(result.bbox?.[3]).toBeCloseTo(48.219, 9);
      expect(result.metadata).toMatchObject({ records: 120, cloudEvents: 0, keys: { ts: 120, rpm: 120, lat: 120, lon: 120 }, positions: 120 });
    });

    it('counts one-signal records ({ name, value, timestamp }) by name', async () => {
      const result = await runProbe(
        jsonlProbe,
        lines([
          { name: 'speed', value: 10, timestamp: '2026-04-02T08:00:00Z' },
          { name: 'speed', value: 11, timestamp: '2026-04-02T08:00:01Z' },
          { name: 'rpm', value: 900, timestamp: '2026-04-02T08:00:02Z' },
        ]),
      );
      expect(result.metadata).toMatchObject({ signalCounts: { speed: 2, rpm: 1 } });
      expect(result.durationSeconds).toBe(2);
    });
  });

  describe('truncated and malformed files', () => {
    it('reports a last object cut before its end as truncated', async () => {
      const cut = fixture.subarray(0, text.lastIndexOf('"type":"dimo.fingerprint"'));
      await expectProbeFailure(
        jsonlProbe,
        cut,
        'truncated',
        /the last line \(5\) is an unfinished JSON object: the file was cut; 4 records were read/,
        { chunkSize: 7 },
      );
    });

    it('rejects a file with too many lines that are not JSON objects', async () => {
      const lying = Buffer.concat([flat(20), Buffer.from('{"broken": \n[1,2,3]\n"text"\n')]);
      await expectProbeFailure(jsonlProbe, lying, 'corrupt', /3 of 23 lines are not JSON objects \(first at line 21\)/);
    });

    it('tolerates a few malformed lines and counts them', async () => {
      const result = await runProbe(jsonlProbe, Buffer.concat([flat(30), Buffer.from('not json\n'), flat(1)]));
      expect(result.metadata).toMatchObject({ records: 31, malformedRecords: 1, firstMalformedLine: 31 });
    });

    it('rejects invalid UTF-8, binary data and an endless line', async () => {
      // ~110 KB of good records first: the damage lies past the 64 KiB head the sniffer sees.
      const big = flat(2000);
      await expectProbeFailure(
        jsonlProbe,
        Buffer.concat([big, Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x0a])]),
        'corrupt',
        /line 2001 is not valid UTF-8/,
      );
      await expectProbeFailure(jsonlProbe, Buffer.concat([big, Buffer.from([0x00, 0x01, 0x02])]), 'corrupt', /NUL byte\) at byte \d+/);
      const endless = Buffer.concat([flat(3), Buffer.from('{"a":"'), Buffer.alloc(5 * 1024 * 1024, 0x61)]);
      await expectProbeFailure(jsonlProbe, endless, 'corrupt', /line 4 is longer than 4096 KiB/, { chunkSize: 1024 * 1024 });
    });
  });
});
