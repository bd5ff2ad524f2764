import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DemoFile {
  filename: string;
  modality: 'video' | 'pointcloud' | 'telemetry' | 'gnss';
  bytes: Buffer;
  /** Where the bytes came from, for the printout. */
  source: string;
}

/** The checkout's root (the folder with this project's package.json), found from this file whether compiled or not. */
export function repoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && packageName(manifest) === 'depai-data-marketplace') return dir;
    if (dirname(dir) === dir) throw new Error('cannot find the project root above scripts/demo');
  }
}

/** The `name` of a package.json, whatever it holds. */
function packageName(manifest: string): unknown {
  const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
  return typeof parsed === 'object' && parsed !== null && 'name' in parsed ? parsed.name : undefined;
}

interface Candidate {
  modality: DemoFile['modality'];
  /** A real capture in ../shared/samples (present on these machines and in CI, not in a fresh clone). */
  shared: string;
  /** The fallback: a file in the repository, or bytes made here where the repository has none of that modality. */
  fallback: string | (() => { filename: string; bytes: Buffer });
}

/** What the contributor uploads: one small capture per modality. */
const UPLOADS: Candidate[] = [
  { modality: 'video', shared: 'karma.mp4', fallback: 'test/fixtures/mp4/testsrc-160x120-1s.mp4' },
  { modality: 'pointcloud', shared: 'car6.pcd', fallback: () => ({ filename: 'scan.pcd', bytes: asciiPcd(400) }) },
  { modality: 'telemetry', shared: 'talker.mcap', fallback: 'test/fixtures/csv/obd.csv' },
  { modality: 'gnss', shared: 'bu353s4.log', fallback: 'test/fixtures/rinex/ljub-v3.26o' },
];

/** What the network pushes for its driver: files of the repository, so the batch is the same on every machine. */
const NETWORK_FILES: { modality: DemoFile['modality']; path: string }[] = [
  { modality: 'telemetry', path: 'test/fixtures/jsonl/dimo.jsonl' },
  { modality: 'gnss', path: 'test/fixtures/gpx/ride.gpx' },
];

export function uploadFiles(root: string): DemoFile[] {
  const samples = resolve(root, '../shared/samples');
  return UPLOADS.map(({ modality, shared, fallback }) => {
    const real = join(samples, shared);
    if (existsSync(real)) return { modality, filename: shared, bytes: readFileSync(real), source: `from ../shared/samples/${shared}` };
    if (typeof fallback === 'string') {
      return {
        modality,
        filename: basename(fallback),
        bytes: readFileSync(join(root, fallback)),
        source: `from ${fallback}, as ../shared/samples/${shared} is absent`,
      };
    }
    const made = fallback();
    return { modality, ...made, source: `made by the demo, as ../shared/samples/${shared} is absent and the repository keeps no point cloud` };
  });
}

export function networkFiles(root: string): DemoFile[] {
  return NETWORK_FILES.map(({ modality, path }) => ({
    modality,
    filename: basename(path),
    bytes: readFileSync(join(root, path)),
    source: `from ${path}`,
  }));
}

/** An ASCII PCD of `points` points on a small spiral. */
function asciiPcd(points: number): Buffer {
  const header = [
    '# .PCD v0.7 - Point Cloud Data file format',
    'VERSION 0.7',
    'FIELDS x y z',
    'SIZE 4 4 4',
    'TYPE F F F',
    'COUNT 1 1 1',
    `WIDTH ${points}`,
    'HEIGHT 1',
    'VIEWPOINT 0 0 0 1 0 0 0',
    `POINTS ${points}`,
    'DATA ascii',
  ];
  const rows = Array.from(
    { length: points },
    (_, i) => `${(Math.cos(i / 10) * i * 0.01).toFixed(4)} ${(Math.sin(i / 10) * i * 0.01).toFixed(4)} ${(i * 0.005).toFixed(4)}`,
  );
  return Buffer.from(`${[...header, ...rows].join('\n')}\n`);
}
