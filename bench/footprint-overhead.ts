/**
 * npm run bench:footprint [-- sizeMiB]
 *
 * What footprints (issue 12) add to a capture's processing: a GPS-bearing file (an NMEA log of a drive, GGA + RMC +
 * GSA at 1 Hz, 1 GiB by default: the worst case, every ~190 bytes a fix) is verified as ingestion does it (SHA-256 +
 * sniff + probe, one pass through the object store port), in alternating rounds with the footprint builder as it is
 * and with the builder switched off (its methods replaced in this process only), and `openssl dgst -sha256` on the same
 * file for scale. Prints medians and the footprint's share. Target: under 10% of the processing time.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyStoredObject } from '../src/ingestion/capture-verifier.js';
import { FootprintBuilder, type FootprintOutcome } from '../src/ingestion/footprints/footprint-builder.js';
import { LocalObjectUrlService } from '../src/storage/local-object-url.service.js';
import { LocalStorage } from '../src/storage/local.storage.js';
import { mib } from './bench-files.js';

const targetBytes = Number(process.argv[2] ?? 1024) * (1 << 20);
const ROUNDS = 3;

const checksum = (body: string) => {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return x.toString(16).toUpperCase().padStart(2, '0');
};
const sentence = (body: string) => `$${body}*${checksum(body)}\r\n`;
const ddmm = (deg: number, width: number) => {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  return `${String(d).padStart(width, '0')}${((a - d) * 60).toFixed(4).padStart(7, '0')}`;
};

/** A drive around Munich at 30-60 km/h, turning now and then, one epoch a second, whole sentences up to the target size; answers the fixes and bytes written. */
async function writeNmea(path: string): Promise<{ fixes: number; bytes: number }> {
  const out = createWriteStream(path);
  let written = 0;
  let fixes = 0;
  let lon = 11.5;
  let lat = 48.1;
  let heading = 0;
  let t = Date.UTC(2026, 2, 14, 6, 0, 0);
  let chunk = '';
  while (written < targetBytes) {
    if (fixes % 40 === 0) heading += (fixes % 80 === 0 ? 1 : -1) * (Math.PI / 2) * (fixes % 120 === 0 ? 0 : 1);
    const speed = 8 + (fixes % 300) / 30; // m/s
    lon += (Math.cos(heading) * speed) / (111320 * Math.cos((lat * Math.PI) / 180));
    lat += (Math.sin(heading) * speed) / 110574;
    if (lat > 48.3 || lat < 47.9 || lon > 11.8 || lon < 11.2) heading += Math.PI;
    const d = new Date(t);
    const hhmmss = `${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}${String(d.getUTCSeconds()).padStart(2, '0')}.00`;
    const date = `${String(d.getUTCDate()).padStart(2, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCFullYear() % 100).padStart(2, '0')}`;
    const ns = `${ddmm(lat, 2)},${lat >= 0 ? 'N' : 'S'}`;
    const ew = `${ddmm(lon, 3)},${lon >= 0 ? 'E' : 'W'}`;
    chunk +=
      sentence(`GPGGA,${hhmmss},${ns},${ew},${fixes % 50 === 0 ? 2 : 1},09,0.9,520.0,M,47.0,M,,`) +
      sentence(`GPRMC,${hhmmss},A,${ns},${ew},${(speed * 1.94384).toFixed(1)},${((heading * 180) / Math.PI).toFixed(1)},${date},,,A`) +
      sentence('GPGSA,A,3,02,05,12,15,18,21,24,25,29,,,,1.6,0.9,1.3');
    fixes += 1;
    t += 1000;
    if (chunk.length > 1 << 20) {
      const buf = Buffer.from(chunk);
      written += buf.length;
      if (!out.write(buf)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end();
  await once(out, 'finish');
  return { fixes, bytes: written };
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mkt-bench-footprint-'));
  try {
    const storage = new LocalStorage(dataDir, new LocalObjectUrlService('bench-secret-bench-secret-bench-secret', 'http://localhost'));
    const key = 'bench/drive.nmea';
    mkdirSync(join(dataDir, 'objects', 'bench'), { recursive: true });
    const path = join(dataDir, 'objects', key);
    const { fixes, bytes: sizeBytes } = await writeNmea(path);
    const sha256 = execFileSync('openssl', ['dgst', '-sha256', '-r', path], { encoding: 'utf8' }).split(' ')[0];
    console.log(`\nFootprint overhead on a ${mib(sizeBytes).toFixed(0)} MiB NMEA drive (${fixes.toLocaleString('en-US')} epochs at 1 Hz):`);

    const proto = FootprintBuilder.prototype;
    // The builder's own methods, kept as property descriptors to put back after a round without it.
    const saved = Object.getOwnPropertyDescriptors(proto);
    const off = () => {
      proto.add = () => undefined;
      proto.addQuality = () => undefined;
      proto.finish = (): FootprintOutcome => ({ footprint: null, reason: 'switched off for the bench', warnings: [], quality: null });
    };
    const on = () => {
      for (const name of ['add', 'addQuality', 'finish'] as const) Object.defineProperty(proto, name, saved[name]);
    };
    const verify = async () => {
      const outcome = await verifyStoredObject(storage, key, { sizeBytes, sha256 });
      if (!outcome.ok) throw new Error(`verification failed: ${JSON.stringify(outcome)}`);
      return outcome;
    };
    const times = { with: [] as number[], without: [] as number[], openssl: [] as number[] };
    let cells = 0;
    let km = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const order: ['with' | 'without', () => void][] = [
        ['with', on],
        ['without', off],
      ];
      if (round % 2) order.reverse();
      for (const [label, set] of order) {
        set();
        times[label].push(
          await seconds(async () => {
            const outcome = await verify();
            if (label === 'with') {
              cells = outcome.probe.footprint?.cells.length ?? 0;
              km = outcome.probe.footprint?.lengthKm ?? 0;
            }
          }),
        );
      }
      on();
      times.openssl.push(await seconds(() => Promise.resolve(execFileSync('openssl', ['dgst', '-sha256', '-r', path], { encoding: 'utf8' }))));
    }
    const withFootprint = median(times.with);
    const without = median(times.without);
    const mbps = (s: number) => (sizeBytes / 1e6 / s).toFixed(0);
    console.log(
      `  verify + probe, footprint on:  ${withFootprint.toFixed(2)} s (${mbps(withFootprint)} MB/s); ${cells.toLocaleString('en-US')} cells, ${km.toFixed(0)} km`,
    );
    console.log(`  verify + probe, footprint off: ${without.toFixed(2)} s (${mbps(without)} MB/s)`);
    console.log(`  openssl dgst -sha256:          ${median(times.openssl).toFixed(2)} s (${mbps(median(times.openssl))} MB/s)`);
    console.log(
      `  footprint adds ${(((withFootprint - without) / without) * 100).toFixed(1)}% to processing (${(((withFootprint - without) * 1e9) / fixes).toFixed(0)} ns per fix); target < 10%`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
