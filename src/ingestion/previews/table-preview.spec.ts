import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPreviewSurvives } from '../../../test/support/preview-fuzz.js';
import { describeSample } from '../../../test/support/samples.js';
import type { TablePreview } from './preview.types.js';
import { csvRecords, seriesOf, tablePreview } from './table-preview.js';

const table = (format: string, path: string) => {
  const preview = tablePreview(format, readFileSync(path, 'latin1'), null);
  expect(preview.content.kind).toBe('table');
  return preview.content as TablePreview;
};
const names = (content: TablePreview) => content.series.map((s) => s.name);

describe('csvRecords and seriesOf', () => {
  it('handles quotes, picks the time column and plots only changing numbers', () => {
    const records = csvRecords('time,speed,label,const\n2024-01-01T00:00:00Z,1,"a, b",5\n2024-01-01T00:00:02Z,3,c,5\n');
    expect(records.rows[0]).toEqual(['2024-01-01T00:00:00Z', '1', 'a, b', '5']);
    expect(seriesOf(records)).toEqual({ series: [{ name: 'speed', unit: undefined, t: [0, 2], v: [1, 3] }], timeAxis: 'seconds' });
  });

  it('reads as the probe does: a semicolon table with decimal commas, a quoted note across lines, a date and a time column', () => {
    const text = 'date;time;Geschwindigkeit;Notiz\n2024-05-01;10:00:00;12,5;"erste\nZeile"\n2024-05-01;10:00:02;13,75;zweite\n';
    const records = csvRecords(text);
    expect(records.columns).toEqual(['date', 'time', 'Geschwindigkeit', 'Notiz']);
    expect(records.rows).toEqual([
      ['2024-05-01', '10:00:00', '12,5', 'erste\nZeile'],
      ['2024-05-01', '10:00:02', '13,75', 'zweite'],
    ]);
    expect(seriesOf(records)).toEqual({ series: [{ name: 'Geschwindigkeit', unit: undefined, t: [0, 2], v: [12.5, 13.75] }], timeAxis: 'seconds' });
  });

  it('shows a Windows-1252 CSV (a European Excel export) as written, from its bytes', () => {
    const bytes = Buffer.from(
      'date;time;Straße;Temperatur (°C)\n2024-05-01;10:00:00;Hauptstraße;12,5\n2024-05-01;10:00:01;Hauptstraße;13\n',
      'latin1',
    );
    const content = tablePreview('csv', bytes, null).content as TablePreview;
    expect(content.columns).toEqual(['date', 'time', 'Straße', 'Temperatur (°C)']);
    expect(content.rows[0][2]).toBe('Hauptstraße');
    expect(content.series).toEqual([{ name: 'Temperatur', unit: '°C', t: [0, 1], v: [12.5, 13] }]);
  });

  it('falls back to row numbers when rows carry no time', () => {
    expect(seriesOf(csvRecords('a,b\n1,2\n2,4\n3,8\n'))).toMatchObject({ timeAxis: 'row', series: [{ name: 'a', t: [1, 2, 3] }, { name: 'b' }] });
  });
});

describeSample('gpsbabel_iblue747.csv', (path) => {
  it('joins DATE and TIME, and plots height, speed and distance', () => {
    const content = table('csv', path);
    expect(content.columns.slice(0, 4)).toEqual(['INDEX', 'RCR', 'DATE', 'TIME']);
    expect(content.rows[0].slice(0, 6)).toEqual(['1', 'T', '2005/05/01', '10:12:47', 'Unknown', '51.311770']);
    expect(content.rows).toHaveLength(20);
    expect(content.timeAxis).toBe('seconds');
    expect(names(content)).toEqual(['HEIGHT', 'SPEED', 'DISTANCE']);
    expect(content.series[0].t.slice(0, 3)).toEqual([0, 17, 26]);
  });
});

describeSample('openvins_tumvi_room4_groundtruth.csv', (path) => {
  it('reads a nanosecond timestamp column and keeps units apart from names', () => {
    const content = table('csv', path);
    expect(content.columns[0]).toBe('timestamp [ns]');
    expect(content.timeAxis).toBe('seconds');
    expect(content.series[0]).toMatchObject({ name: 'p_RS_R_x', unit: 'm' });
    expect(content.series[0].t[1]).toBeGreaterThan(0);
    expect(content.series[0].t.length).toBeLessThanOrEqual(600);
  });
});

describeSample('cerknicko-jezero.gpx', (path) => {
  it('lists track points with time and elevation', () => {
    const content = table('gpx', path);
    expect(content.rows[0][1]).toMatch(/^45\./);
    expect(names(content)).toContain('elevation');
  });
});

describeSample('bu353s4.log', (path) => {
  it('lists each epoch once, its GGA, GSA and RMC together, dated by the RMC, in decimal degrees', () => {
    const content = table('nmea', path);
    expect(content.columns).toEqual(['time (UTC)', 'latitude', 'longitude', 'fix', 'satellites', 'HDOP', 'altitude (m)', 'speed (m/s)']);
    // 25 GGA and 25 RMC sentences: 25 epochs. The first: 030719.000, 3747.0873 S, 17518.8938 E, 8 satellites, HDOP
    // 1.1, 59.9 m, 0.69 knots, 31 Dec 2014.
    expect(content.rowsRead).toBe(25);
    expect(content.rows[0]).toEqual(['2014-12-31 03:07:19.000', '-37.7847883', '175.3148967', '3d', '8', '1.1', '59.9', '0.355']);
    expect(content.timeAxis).toBe('seconds');
  });
});

describe('GPX files of other shapes', () => {
  it('reads points as the probe does: a namespace prefix, single quotes, self-closing way points, GPX 1.0 speed', () => {
    const text = `<?xml version="1.0"?>
<g:gpx xmlns:g="http://www.topografix.com/GPX/1/0" version="1.0" creator="test">
  <g:wpt lat='46.05' lon='14.5'/>
  <g:trk><g:trkseg>
    <g:trkpt lon="14.51" lat="46.06"><g:ele>300.5</g:ele><g:time>2024-05-01T10:00:00Z</g:time><g:speed>1.5</g:speed><g:sat>9</g:sat></g:trkpt>
    <g:trkpt lon="14.52" lat="46.07"><g:ele>301</g:ele><g:time>2024-05-01T10:00:05Z</g:time><g:speed>2</g:speed><g:sat>10</g:sat></g:trkpt>
  </g:trkseg></g:trk>
</g:gpx>`;
    const content = tablePreview('gpx', text, null).content as TablePreview;
    expect(content.columns).toEqual(['time (UTC)', 'latitude', 'longitude', 'elevation (m)', 'satellites', 'speed (m/s)', 'point']);
    expect(content.rows).toEqual([
      ['', '46.05', '14.5', '', '', '', 'way point'],
      ['2024-05-01 10:00:00.000', '46.06', '14.51', '300.5', '9', '1.5', 'track point'],
      ['2024-05-01 10:00:05.000', '46.07', '14.52', '301', '10', '2', 'track point'],
    ]);
  });
});

describe('NMEA logs of other shapes', () => {
  const sentence = (body: string) => {
    let sum = 0;
    for (const c of body) sum ^= c.charCodeAt(0);
    return `$${body}*${sum.toString(16).toUpperCase().padStart(2, '0')}`;
  };

  it('lists an RMC-only log (as dashcams write), without the columns it never fills, and skips a sentence whose checksum fails', () => {
    const text = [
      sentence('GPRMC,120000.00,A,4807.038,N,01131.000,E,10.0,84.4,230394,,,A'),
      sentence('GPRMC,120001.00,A,4807.040,N,01131.010,E,12.0,84.4,230394,,,A').replace(/\*..$/, '*00'),
      sentence('GPRMC,120002.00,A,4807.042,N,01131.020,E,14.0,84.4,230394,,,A'),
    ].join('\n');
    const content = tablePreview('nmea', text, null).content as TablePreview;
    expect(content.columns).toEqual(['time (UTC)', 'latitude', 'longitude', 'fix', 'speed (m/s)']);
    expect(content.rows).toEqual([
      ['1994-03-23 12:00:00.000', '48.1173', '11.5166667', '3d', '5.144'],
      ['1994-03-23 12:00:02.000', '48.1173667', '11.517', '3d', '7.202'],
    ]);
  });

  it('dates the GGA epochs before the first RMC by that RMC (a day earlier across midnight), as gpsbabel does', () => {
    const text = [
      sentence('GPGGA,235959.00,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,'),
      sentence('GPGGA,000000.00,4807.040,N,01131.010,E,1,08,0.9,545.5,M,46.9,M,,'),
      sentence('GPRMC,000000.00,A,4807.040,N,01131.010,E,10.0,84.4,240394,,,A'),
    ].join('\n');
    const content = tablePreview('nmea', text, null).content as TablePreview;
    expect(content.rows.map((row) => row[0])).toEqual(['1994-03-23 23:59:59.000', '1994-03-24 00:00:00.000']);
  });
});

describeSample('georinex_ab430140.18o', (path) => {
  it('lists RINEX 2 epochs with all their satellites, continuation lines included', () => {
    // 9 epochs 15 s apart, 00:00:00..00:02:00 GPS (SOURCES.txt); 24 satellites each, over two epoch lines.
    const content = table('rinex', path);
    expect(content.columns).toEqual(['epoch (GPS time)', 'flag', 'satellites', 'satellite list']);
    expect(content.rows.map((row) => row[0])).toEqual(
      Array.from({ length: 9 }, (_, i) => `2018-01-14 00:0${String(Math.floor(i / 4))}:${String((i % 4) * 15).padStart(2, '0')}`),
    );
    expect(content.rows[0].slice(1)).toEqual(['0', '24', 'G23 G08 E11 G30 G02 E19 G16 G07 G05 E04 G27 E30 (+12)']);
  });

  it('keeps a RINEX 2 epoch whose line ends with a receiver clock offset (columns 69-80)', () => {
    const text = readFileSync(path, 'latin1');
    const first = / 18 {2}1 14 {2}0 {2}0 {2}0\.0{7} {2}0 24[^\r\n]*/.exec(text)?.[0] ?? '';
    expect(first).toHaveLength(68);
    const content = tablePreview('rinex', text.replace(first, `${first}  .000123456`), null).content as TablePreview;
    expect(content.columns.at(-1)).toBe('receiver clock offset (s)');
    expect(content.rows.map((row) => row.at(-1))).toEqual(['0.000123456', '', '', '', '', '', '', '', '']);
  });
});

describeSample('demo3.10o', (path) => {
  it("reads a RINEX 3 epoch's satellites from its records, and its receiver clock offset, never one for the other", () => {
    const content = table('rinex', path);
    expect(content.columns).toEqual(['epoch (GPS time)', 'flag', 'satellites', 'satellite list', 'receiver clock offset (s)']);
    expect(content.rows).toEqual([
      ['2010-03-05 00:00:00', '0', '14', 'G13 R19 G32 G07 R23 G31 G20 R11 G12 G26 G09 G21 (+2)', '-0.123456789012'],
      ['2010-03-05 00:00:30', '0', '8', 'G13 R19 G32 G07 R23 G31 G20 R11', '0.123456789012'],
    ]);
  });
});

describeSample('georinex_P43300USA_R_20190012056_17M_15S_MO.crx', (path) => {
  it('reads every epoch of a Compact RINEX file, each line a difference of the one before', () => {
    // 70 epochs (all flag 0), 2019-01-01 20:56:45..21:14:00 GPS (SOURCES.txt).
    const content = table('rinex', path);
    expect(content.rowsRead).toBe(70);
    expect(content.rows[0].slice(0, 3)).toEqual(['2019-01-01 20:56:45', '0', '27']);
    // The plot runs to the last epoch: 21:14:00 is 1,035 s after the first, with 36 satellites.
    expect(content.series.map((s) => s.name)).toEqual(['satellites']);
    expect([content.series[0].t.at(-1), content.series[0].v.at(-1)]).toEqual([1035, 36]);
  });
});

describeSample('dji_mavic3.srt', (path) => {
  it('reads the bracketed telemetry of each subtitle, timed by the subtitle', () => {
    const content = table('dji-srt', path);
    expect(content.columns).toEqual(expect.arrayContaining(['iso', 'latitude', 'longitude', 'height above take-off (m)', 'altitude (m)']));
    // rel_alt -5.3..11.2 m, abs_alt -2.499..14.001 m (SOURCES.txt).
    const height = content.series.find((s) => s.name === 'height above take-off');
    expect(height?.unit).toBe('m');
    expect(Math.min(...(height?.v ?? []))).toBeGreaterThanOrEqual(-5.3);
    expect(Math.max(...(height?.v ?? []))).toBeLessThanOrEqual(11.2);
    expect(content.series.find((s) => s.name === 'altitude')?.unit).toBe('m');
    expect(content.timeAxis).toBe('seconds');
  });

  it("gives its own track, timed from its video's start by the subtitles and thinned to 1,000 fixes", () => {
    // 12,318 subtitles 20 ms apart (00:00:00,000..00:04:06,360); lat 3.41090..3.41601, lon -3.37937..-3.37242.
    const track = table('dji-srt', path).track ?? [];
    expect(track).toHaveLength(1000);
    expect(track[0][2]).toBe(0);
    // The last subtitle runs 00:04:06,340 --> 00:04:06,360: a fix is timed by its subtitle's start.
    expect(track.at(-1)?.[2]).toBeCloseTo(246.34, 3);
    for (const [lon, lat] of track) {
      expect(lat).toBeGreaterThanOrEqual(3.4109);
      expect(lat).toBeLessThanOrEqual(3.41601);
      expect(lon).toBeGreaterThanOrEqual(-3.37937);
      expect(lon).toBeLessThanOrEqual(-3.37242);
    }
  });
});

describeSample('dji_mavic_mini.SRT', (path) => {
  it('reads GPS (lon, lat, n) longitude first, its third value as no altitude, and D / H as distance from home and height', () => {
    const content = table('dji-srt', path);
    expect(content.columns).toEqual(
      expect.arrayContaining(['longitude', 'latitude', 'distance from home (m)', 'height above take-off (m)', 'GPS third value']),
    );
    // The third GPS value (16..17) is not an altitude: no column or plot says it is, and it is not plotted.
    expect(content.columns.filter((c) => /altitude/i.test(c))).toEqual([]);
    expect(names(content)).not.toContain('GPS third value');
    // H 200.5..201.0 m (SOURCES.txt); D in metres too.
    const height = content.series.find((s) => s.name === 'height above take-off');
    expect(height?.unit).toBe('m');
    expect(Math.min(...(height?.v ?? []))).toBeGreaterThanOrEqual(200.5);
    expect(Math.max(...(height?.v ?? []))).toBeLessThanOrEqual(201);
    expect(content.series.find((s) => s.name === 'distance from home')?.unit).toBe('m');
    expect(content.rows[0][content.columns.indexOf('GPS third value')]).toBe('17');
    expect(content.rows[0][content.columns.indexOf('longitude')]).toBe('-121.7458');
    // GPS gives longitude first: the track is (lon, lat), one fix a second.
    expect(content.track?.slice(0, 2)).toEqual([
      [-121.7458, 48.0771, 0],
      [-121.7458, 48.0771, 1],
    ]);
  });
});

describeSample('mavic_air2.srt', (path) => {
  it('reads "[key : value]" pairs spaced either way, and the date-time line', () => {
    const content = table('dji-srt', path);
    expect(content.rows[0].slice(0, 2)).toEqual(['2022-05-01 15:01:58.531', '100']);
    expect(content.rows[0][content.columns.indexOf('latitude')]).toBe('41.420684');
    expect(content.track?.[1]).toEqual([2.162162, 41.420685, 0.016]);
  });

  it('keeps the footprint track when the subtitles hold no position', () => {
    const footprint: [number, number, null][] = [[2.16, 41.42, null]];
    const preview = tablePreview('dji-srt', '1\n00:00:00,000 --> 00:00:00,016\n[iso : 100]\n', footprint);
    expect((preview.content as TablePreview).track).toEqual(footprint);
  });
});

describe('DJI SRT layouts read as the probe reads them', () => {
  it('reads a Phantom GPS(lon,lat,n) longitude first, with its dotted date, BAROMETER as the height and ISO:100 pairs', () => {
    const text =
      '1\n00:00:00,000 --> 00:00:01,000\nHOME(149.0251,-20.2532) 2017.08.05 14:11:51\nGPS(149.0251,-20.2533,16) BAROMETER:1.9\nISO:100 Shutter:60 EV:0 Fnum:2.2\n\n' +
      '2\n00:00:01,000 --> 00:00:02,000\nHOME(149.0251,-20.2532) 2017.08.05 14:11:52\nGPS(149.0253,-20.2535,17) BAROMETER:2.5\nISO:100 Shutter:60 EV:0 Fnum:2.2\n';
    const content = tablePreview('dji-srt', text, null).content as TablePreview;
    const row = (name: string) => content.rows.map((r) => r[content.columns.indexOf(name)]);
    expect(row('local time')).toEqual(['2017-08-05 14:11:51.000', '2017-08-05 14:11:52.000']);
    expect(row('latitude')).toEqual(['-20.2533', '-20.2535']);
    expect(row('height above take-off (m)')).toEqual(['1.9', '2.5']);
    expect(row('ISO')).toEqual(['100', '100']);
    expect(row('Fnum')).toEqual(['2.2', '2.2']);
    expect(content.columns).not.toContain('altitude (m)');
    expect(content.track).toEqual([
      [149.0251, -20.2533, 0],
      [149.0253, -20.2535, 1],
    ]);
  });

  it('reads an enterprise GPS(lat,lon,altM) latitude first, its third value as the altitude', () => {
    const text =
      '1\n00:00:00,000 --> 00:00:01,000\n2022.06.21 16:06:17\nGPS(36.6146,-6.1120,52.5M) BAROMETER:0.3M\n\n' +
      '2\n00:00:01,000 --> 00:00:02,000\n2022.06.21 16:06:18\nGPS(36.6150,-6.1126,60.1M) BAROMETER:8.4M\n';
    const content = tablePreview('dji-srt', text, null).content as TablePreview;
    expect(content.track).toEqual([
      [-6.112, 36.6146, 0],
      [-6.1126, 36.615, 1],
    ]);
    expect(content.series.find((s) => s.name === 'altitude')).toMatchObject({ unit: 'm', v: [52.5, 60.1] });
    expect(content.series.find((s) => s.name === 'height above take-off')).toMatchObject({ unit: 'm', v: [0.3, 8.4] });
    expect(content.columns).not.toContain('GPS third value');
  });

  it('reads the Mavic 2 speeds, and leaves out the ones a firmware writes as n/a', () => {
    const line = (n: number, hs: string) =>
      `${String(n)}\n00:00:0${String(n - 1)},000 --> 00:00:0${String(n)},000\nF/2.8, SS 100, ISO 100, EV 0, GPS (8.5, 47.3, 18), D ${String(n * 10)}.0m, H 6.10m, H.S ${hs}, V.S 0.50m/s\n`;
    const content = tablePreview('dji-srt', `${line(1, '1.20m/s')}\n${line(2, '2.40m/s')}\n${line(3, 'n/a')}`, null).content as TablePreview;
    const row = (name: string) => content.rows.map((r) => r[content.columns.indexOf(name)]);
    expect(row('horizontal speed (m/s)')).toEqual(['1.2', '2.4', '']);
    expect(row('vertical speed (m/s)')).toEqual(['0.5', '0.5', '0.5']);
    expect(row('distance from home (m)')).toEqual(['10', '20', '30']);
  });
});

describe('JSON Lines', () => {
  it('turns DIMO CloudEvents into one row per vehicle and signal timestamp, each signal a channel', () => {
    const content = table('jsonl', join(process.cwd(), 'test/fixtures/jsonl/dimo.jsonl'));
    expect(content.source).toBe('DIMO signals (JSON Lines)');
    expect(content.columns.slice(0, 6)).toEqual([
      'time (UTC)',
      'subject',
      'speed',
      'currentLocationLatitude',
      'currentLocationLongitude',
      'powertrainTransmissionTravelledDistance',
    ]);
    // Vehicle 101's first event: speed and a fix at 10:00:00, the odometer at 10:00:01, another fix at 10:00:02.
    const vehicle = (n: string) => `did:nft:137:0xbA5738a18d83D41847dfFbDC6101d37C69c9B0cF_${n}`;
    const at = (time: string) => content.rows.find((row) => row[0] === time)?.slice(1, 6);
    expect(at('2026-04-02 10:00:00.000')).toEqual([vehicle('101'), '42.5', '40.4168', '-3.7038', '']);
    expect(at('2026-04-02 10:00:01.000')).toEqual([vehicle('101'), '', '', '', '12345.6']);
    expect(at('2026-04-02 10:00:02.000')).toEqual([vehicle('101'), '', '40.417', '-3.703', '']);
    expect(at('2026-04-02 09:59:00.000')).toEqual([vehicle('202'), '0', '', '', '']);
    expect(content.rows.map((row) => row[0])).toEqual([...content.rows.map((row) => row[0])].sort());
    // The plots are the first vehicle's alone: its speed at 10:00:00 and 10:00:30.25, never the other's 0.
    expect(content.series.find((s) => s.name === 'speed')).toMatchObject({ t: [0, 30.25], v: [42.5, 50] });
  });

  it('flattens other records into dotted columns, timed by the field the probe takes, its unit from the name', () => {
    const text = '{"timestamp_ms": 1714557600000, "obd": {"rpm": 900}}\n{"timestamp_ms": 1714557601500, "obd": {"rpm": 1200}}\n';
    const content = tablePreview('jsonl', text, null).content as TablePreview;
    expect(content.columns).toEqual(['timestamp_ms', 'obd.rpm']);
    expect(content.series).toEqual([{ name: 'obd.rpm', unit: undefined, t: [0, 1.5], v: [900, 1200] }]);
    // Records without a time field are plotted by row, not timed by a value that happens to look like one.
    const untimed = tablePreview('jsonl', '{"rpm": 900, "count": 1714557600000}\n{"rpm": 1200, "count": 1714557601500}\n', null)
      .content as TablePreview;
    expect(untimed.timeAxis).toBe('row');
  });
});

// Table previews read the probes' sessions on whatever a contributor uploaded: cut and corrupted, each ends in a preview
// or in "no preview" with a reason, never a thrown error.
for (const [format, name] of [
  ['nmea', 'bu353s4.log'],
  ['gpx', 'cerknicko-jezero.gpx'],
  ['rinex', 'demo3.10o'],
  ['rinex', 'georinex_ab430140.18o'],
  ['rinex', 'georinex_P43300USA_R_20190012056_17M_15S_MO.crx'],
  ['dji-srt', 'dji_mavic_mini.SRT'],
  ['dji-srt', 'mavic_air2.srt'],
  ['csv', 'gpsbabel_iblue747.csv'],
] as const) {
  describeSample(name, (path) => {
    it(`${format} table preview of damaged copies: a preview or a reason, never a thrown error`, async () => {
      await assertPreviewSurvives((bytes) => Promise.resolve(tablePreview(format, bytes.toString('utf8'), null)), readFileSync(path), { runs: 40 });
    });
  });
}

describe('JSON Lines table preview of damaged copies of the DIMO fixture', () => {
  it('ends in a preview or a reason, never a thrown error', async () => {
    const seed = readFileSync(join(process.cwd(), 'test/fixtures/jsonl/dimo.jsonl'));
    await assertPreviewSurvives((bytes) => Promise.resolve(tablePreview('jsonl', bytes.toString('utf8'), null)), seed, { runs: 60 });
  });
});
