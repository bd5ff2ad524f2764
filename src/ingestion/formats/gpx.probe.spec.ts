import { readFileSync } from 'node:fs';

import { expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { describeSample } from '../../../test/support/samples.js';
import { gpxProbe } from './gpx.probe.js';

const fixture = readFileSync(new URL('../../../test/fixtures/gpx/ride.gpx', import.meta.url));
const text = fixture.toString('utf8');
const gpx = (body: string) => Buffer.from(`<?xml version="1.0"?>\n<gpx version="1.1" creator="t">\n${body}\n</gpx>\n`);

describe('gpxProbe', () => {
  describe('sniff', () => {
    it('claims a document whose root is <gpx>, after a declaration, comments or a DOCTYPE', () => {
      expect(gpxProbe.sniff(fixture)).toBe(true);
      expect(gpxProbe.sniff(Buffer.from('\uFEFF<!DOCTYPE gpx>\n<!-- x -->\n<gpx:gpx xmlns:gpx="http://www.topografix.com/GPX/1/1">'))).toBe(true);
    });

    it('refuses other XML, a <gpx> that is not the root, and binary data', () => {
      expect(gpxProbe.sniff(Buffer.from('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><!-- <gpx> --></kml>'))).toBe(false);
      expect(gpxProbe.sniff(Buffer.from('<html><body>export as <gpx> here</body></html>'))).toBe(false);
      expect(gpxProbe.sniff(Buffer.from('lat,lon\n<gpx\n'))).toBe(false);
      expect(gpxProbe.sniff(Buffer.concat([Buffer.from('<gpx '), Buffer.from([0, 1, 2])]))).toBe(false);
    });
  });

  describe('a good GPX 1.1 file', () => {
    // 1-byte chunks split every tag, entity and the UTF-8 en dash in a waypoint name.
    it.each([1, 7, 64, 1 << 20])('counts tracks, segments, routes, waypoints and points with %i-byte chunks', async (chunkSize) => {
      const { footprint, ...result } = await runProbe(gpxProbe, fixture, { chunkSize });
      // The footprint is the route and track points in file order (the waypoints are not travelled).
      expect(footprint).toMatchObject({
        kind: 'track',
        positions: 8,
        bbox: [14.49, 46.04, 14.525, 46.07],
        start: '2026-03-01T08:00:00.000Z',
        end: '2026-03-01T13:30:00.000Z',
        source: 'GPX trkpt/rtept',
      });
      expect(result).toEqual({
        format: 'gpx',
        warnings: [],
        counts: { fixes: 8 },
        modality: 'gnss',
        // 10:05:00+01:00 is 09:05Z; the point whose <time> is not a time is counted apart.
        timeRange: { start: '2026-03-01T08:00:00.000Z', end: '2026-03-01T13:30:00.000Z' },
        // The footprint's bbox: the castle waypoint at 14.53 E is not on the track.
        bbox: [14.49, 46.04, 14.525, 46.07],
        durationSeconds: 5.5 * 3600,
        metadata: {
          version: '1.1',
          creator: 'Probe & Tests 1.0',
          createdAt: '2026-03-01T07:00:00.000Z',
          tracks: 2,
          segments: 3,
          routes: 1,
          waypoints: 2,
          trackPoints: 5,
          routePoints: 3,
          points: 8,
          timedPoints: 5,
          invalidTimes: 1,
          elevationRangeMeters: { min: 295.5, max: 330 },
          declaredBounds: [14.49, 46.04, 14.53, 46.07],
        },
      });
    });

    it('reads <fix>, <hdop> and <sat> of track points into the GNSS quality', async () => {
      const point = (lat: string, time: string, fix: string, hdop: string, sat: string) =>
        `<trkpt lat="${lat}" lon="14.5"><time>2026-03-01T08:00:${time}Z</time><fix>${fix}</fix><sat>${sat}</sat><hdop>${hdop}</hdop></trkpt>`;
      const body = `<trk><trkseg>${[
        point('46.0500', '00', 'dgps', '0.9', '9'),
        point('46.0501', '01', '3d', '1.2', '8'),
        point('46.0502', '02', '2d', '2.5', '4'),
        point('46.0503', '03', 'pps', '1.0', '10'),
        // Not a fix type of the schema: left out of the shares, its HDOP and satellites still count.
        point('46.0504', '04', 'rtk', '0.7', '12'),
      ].join('')}</trkseg></trk>`;
      const result = await runProbe(gpxProbe, gpx(body), { chunkSize: 5 });
      expect(result.gnssQuality).toEqual({
        epochs: 4,
        rtkFixed: 0,
        rtkFloat: 0,
        dgps: 1 / 4,
        fix3d: 2 / 4,
        fix2d: 1 / 4,
        noFix: 0,
        medianHdop: 1,
        medianSatellites: 9,
      });
      expect(result.footprint).toMatchObject({ positions: 5, start: '2026-03-01T08:00:00.000Z', end: '2026-03-01T08:00:04.000Z' });
    });

    it('makes the footprint of waypoints only when the file has no track or route, and says when there is none', async () => {
      const waypoints = await runProbe(gpxProbe, gpx('<wpt lat="46.05" lon="14.50"/><wpt lat="46.0502" lon="14.5003"/>'));
      expect(waypoints.footprint).toMatchObject({ positions: 2, source: 'GPX wpt (the file has no track or route)' });
      const empty = await runProbe(gpxProbe, gpx('<metadata><name>nothing</name></metadata>'));
      expect(empty.footprint).toBeNull();
      expect(empty.footprintReason).toBe('the file holds no position fixes');
      expect(empty.bbox).toBeUndefined();
    });

    it('reads ISO-8859-1 files as declared', async () => {
      const latin1 = Buffer.from(
        `<?xml version="1.0" encoding="ISO-8859-1"?>\n<gpx version="1.0" creator="Garmin \xe9tude"><wpt lat="1" lon="2"/></gpx>`,
        'latin1',
      );
      const result = await runProbe(gpxProbe, latin1, { chunkSize: 3 });
      expect(result.metadata).toMatchObject({ creator: 'Garmin étude', waypoints: 1 });
    });
  });

  describe('truncated files', () => {
    it('reports a file cut between elements as truncated, with the open element and the points read', async () => {
      const cut = fixture.subarray(0, text.indexOf('<trk>\n    <name>Afternoon'));
      await expectProbeFailure(gpxProbe, cut, 'truncated', /ends inside <gpx> \(1 element still open\), after 8 points/, { chunkSize: 7 });
      const deeper = fixture.subarray(0, Buffer.byteLength(text.slice(0, text.indexOf('<trkpt lat="46.0600"'))));
      await expectProbeFailure(gpxProbe, deeper, 'truncated', /ends inside <trkseg> \(3 elements still open\), after 7 points/);
    });

    it('reports a file cut inside a tag or a character as truncated', async () => {
      await expectProbeFailure(
        gpxProbe,
        fixture.subarray(0, text.indexOf('lon="14.5250"')),
        'truncated',
        /ends inside a tag near line 34, after 9 points/,
        { chunkSize: 5 },
      );
      const dash = fixture.indexOf(Buffer.from('–'));
      await expectProbeFailure(gpxProbe, fixture.subarray(0, dash + 1), 'truncated', /ends inside a multi-byte character/);
    });
  });

  describe('malformed and lying files', () => {
    it.each([
      ['a mismatched end tag', gpx('<trk><trkseg></trk></trkseg>'), /<\/trk> closes <trkseg>/],
      ['an unquoted attribute', gpx('<wpt lat=46 lon=14/>'), /malformed tag <wpt>/],
      ['a duplicate attribute', gpx('<wpt lat="46" lat="47" lon="14"/>'), /duplicate attribute 'lat'/],
      ['a bare ampersand', gpx('<wpt lat="46" lon="14"><name>fish & chips</name></wpt>'), /bare '&' in text/],
      ['text after the root', Buffer.concat([gpx(''), Buffer.from('trailing words')]), /text after the end of the <gpx> element/],
      ['a second root', Buffer.concat([gpx(''), Buffer.from('<gpx></gpx>')]), /a second root element <gpx>/],
      ['an end tag with nothing open', Buffer.from('<gpx></gpx></gpx>'), /end tag <\/gpx> with no open element/],
      ['a late XML declaration', Buffer.from('<gpx><?xml version="1.0"?></gpx>'), /XML declaration after the start/],
    ])('rejects %s as corrupt', async (_what, file, message) => {
      await expectProbeFailure(gpxProbe, file, 'corrupt', message, { chunkSize: 4 });
    });

    it('warns about points outside the bounds the file declares, and reads them (issue 15)', async () => {
      const lying = await runProbe(gpxProbe, Buffer.from(text.replace('maxlat="46.0700"', 'maxlat="46.0600"')));
      expect(lying.warnings).toEqual(['the file declares <bounds> [14.49, 46.04, 14.53, 46.06] but 3 points lie outside them']);
      expect(lying.metadata).toMatchObject({ points: 8 });
    });

    it('drops points off the globe or without a coordinate from the footprint, with a warning (issue 12)', async () => {
      const result = await runProbe(
        gpxProbe,
        gpx('<trk><trkseg><trkpt lat="123.4" lon="14"/><trkpt lat="46"/><trkpt lat="46.05" lon="14.5"/></trkseg></trk>'),
      );
      expect(result.metadata).toMatchObject({ trackPoints: 3, invalidPoints: 2 });
      expect(result.footprint).toMatchObject({ positions: 1, dropped: { invalid: 2, nullIsland: 0, jumps: 0 } });
      expect(result.warnings).toEqual(['2 position(s) dropped from the footprint: 2 not a valid latitude / longitude.']);
      expect(result.bbox).toEqual([14.5, 46.05, 14.5, 46.05]);
    });

    it('rejects a document whose root is not <gpx>, binary data and invalid UTF-8', async () => {
      // skipSniff: these bytes would not reach the probe through the driver; the session must still refuse them.
      await expectProbeFailure(gpxProbe, Buffer.from('<kml><Document/></kml>'), 'corrupt', /root element is <kml>, not <gpx>/, { skipSniff: true });
      await expectProbeFailure(gpxProbe, Buffer.concat([fixture.subarray(0, 300), Buffer.from([0, 0xff])]), 'corrupt', /NUL byte\) at byte 300/, {
        skipSniff: true,
      });
      await expectProbeFailure(gpxProbe, Buffer.concat([gpx('<wpt lat="1" lon="2"><name>'), Buffer.from([0xc3, 0x28])]), 'corrupt', /invalid UTF-8/);
    });

    it('rejects a tag that never ends instead of buffering it', async () => {
      const endless = Buffer.concat([Buffer.from('<gpx><wpt lat="1" lon="2" name="'), Buffer.alloc(1100 * 1024, 0x61)]);
      await expectProbeFailure(gpxProbe, endless, 'corrupt', /longer than 1 MiB/, { chunkSize: 64 * 1024 });
    });
  });

  describeSample('cerknicko-jezero.gpx', (path) => {
    it('describes the GPSBabel GPX 1.0 file (figures checked with Python xml.etree)', async () => {
      const result = await runProbe(gpxProbe, path, { chunkSize: 1000 });
      expect(result).toMatchObject({
        timeRange: { start: '2010-08-05T14:23:59.000Z', end: '2010-08-05T16:23:49.000Z' },
        // The track's bbox (the 7 waypoints lie around it): gpsbabel 1.8.0 `-t -i gpx -o unicsv` gives 296 track
        // points within 45.744161..45.791723 N, 14.304351..14.367124 E, 14:23:59..16:23:49 UTC.
        bbox: [14.304350847, 45.744161373, 14.367124261, 45.791722974],
      });
      expect(result.footprint).toMatchObject({
        kind: 'track',
        positions: 296,
        start: '2010-08-05T14:23:59.000Z',
        end: '2010-08-05T16:23:49.000Z',
        dropped: { invalid: 0, nullIsland: 0, jumps: 0 },
        geometry: { type: 'MultiLineString' },
      });
      // Each of the 8 track segments is its own line, never joined to the next: GDAL 3.6.2 / SpatiaLite
      // `SELECT sum(ST_Length(geometry, 1)) FROM tracks` (geodesic, WGS84) gives 4,576.907 m.
      expect(result.footprint?.lengthKm).toBeCloseTo(4.576907, 4);
      // GPSBabel wrote no <fix>, <hdop> or <sat>: no quality to report.
      expect(result.gnssQuality).toBeUndefined();
      expect(result.metadata).toEqual({
        version: '1.0',
        creator: 'GPSBabel - http://www.gpsbabel.org',
        createdAt: '2010-08-06T10:36:35.000Z',
        tracks: 8,
        segments: 8,
        routes: 0,
        waypoints: 7,
        trackPoints: 296,
        routePoints: 0,
        points: 296,
        timedPoints: 297,
        invalidTimes: 0,
        elevationRangeMeters: { min: -0.11438, max: 579.331543 },
        declaredBounds: [14.28863327, 45.735199945, 14.377516648, 45.795349991],
      });
    });
  });
});
