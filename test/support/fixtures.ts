/** Small capture files made in code, in formats whose facts the tests know exactly. */

function nmeaChecksum(body: string): string {
  let sum = 0;
  for (const char of body) sum ^= char.charCodeAt(0);
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

const sentence = (body: string) => `$${body}*${nmeaChecksum(body)}\r\n`;

/** An NMEA log of `fixes` RMC + GGA pairs, one second apart from 2026-11-27 08:00:00 UTC, walking north-east from 46.0N 14.0E. */
export function nmeaLog(fixes: number): Buffer {
  let text = '';
  for (let i = 0; i < fixes; i += 1) {
    const time = `08${String(Math.floor(i / 60)).padStart(2, '0')}${String(i % 60).padStart(2, '0')}.00`;
    const lat = `46${(i * 0.01).toFixed(4).padStart(7, '0')}`;
    const lon = `014${(i * 0.01).toFixed(4).padStart(7, '0')}`;
    text += sentence(`GPRMC,${time},A,${lat},N,${lon},E,10.0,45.0,271126,,,A`);
    text += sentence(`GPGGA,${time},${lat},N,${lon},E,1,08,0.9,300.0,M,46.9,M,,`);
  }
  return Buffer.from(text, 'latin1');
}

/** CSV telemetry with a header row; `rows` rows one second apart, lat/lon moving away from (48.0, 11.0). */
export function csvTelemetry(rows: number): Buffer {
  const lines = ['timestamp,lat,lon,speed_kmh'];
  const start = Date.parse('2026-11-27T08:00:00Z');
  for (let i = 0; i < rows; i += 1) {
    lines.push(`${new Date(start + i * 1000).toISOString()},${(48 + i * 1e-5).toFixed(6)},${(11 + i * 1e-5).toFixed(6)},${(i % 130).toFixed(1)}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** A binary PLY whose header claims 10^12 vertices followed by a few bytes: a lying file. */
export function lyingPly(): Buffer {
  return Buffer.concat([
    Buffer.from('ply\nformat binary_little_endian 1.0\nelement vertex 1000000000000\nproperty float x\nproperty float y\nproperty float z\nend_header\n'),
    Buffer.alloc(120, 7),
  ]);
}
