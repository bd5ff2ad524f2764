import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { largeChunkMcap, lyingPly, zstdBombMcap } from '../../../test/support/fixtures.js';
import { describeSample } from '../../../test/support/samples.js';

const run = promisify(execFile);
const REGISTER = fileURLToPath(new URL('../../../scripts/ts-source-register.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('../../../test/support/probe-memory.child.ts', import.meta.url));

interface Figures {
  before: number;
  peak: number;
  outcome: string;
}

/**
 * Decompression bombs and lying headers, each probed in a child process of its own so that its peak RSS is the
 * probe's alone (Jest's heap would hide it). Not a timing test: only memory and the outcome are checked.
 */
describe('probe memory on hostile files (child process, peak RSS)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'probe-memory-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const measure = async (probe: string, bytes: Buffer): Promise<Figures> => {
    const path = join(dir, `${probe}-${bytes.length}`);
    writeFileSync(path, bytes);
    const { stdout } = await run(process.execPath, ['--import', REGISTER, CHILD, probe, path], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Figures;
  };

  it('refuses an MCAP whose zstd chunk expands 48 MiB from a few KiB without holding it', async () => {
    const figures = await measure('mcap', await zstdBombMcap(48));
    expect(figures.outcome).toBe('decompression_bomb');
    expect(figures.peak - figures.before).toBeLessThan(32);
  });

  it('refuses an MCAP chunk claiming 1 TiB once decompressed before allocating it', async () => {
    const bomb = await zstdBombMcap(1);
    // Chunk record: opcode 0x06, 8-byte length, then start time, end time and the uncompressed size.
    const chunk = bomb.indexOf(Buffer.from([0x06]), 8);
    bomb.writeBigUInt64LE(1n << 40n, chunk + 9 + 16);
    const figures = await measure('mcap', bomb);
    expect(figures.outcome).toBe('decompression_bomb');
    expect(figures.peak - figures.before).toBeLessThan(32);
  });

  it('decompresses a legitimate 60 MiB chunk, which shows in the peak (the measure sees what a probe holds)', async () => {
    const figures = await measure('mcap', await largeChunkMcap(60));
    expect(figures.outcome).toBe('ok');
    expect(figures.peak - figures.before).toBeGreaterThan(60);
  });

  it('refuses a PLY that claims 10^12 vertices without allocating for them', async () => {
    const figures = await measure('ply', lyingPly());
    expect(['truncated', 'corrupt']).toContain(figures.outcome);
    expect(figures.peak - figures.before).toBeLessThan(32);
  });

  it('refuses a .Z bomb (43 KB of Unix compress, 300 MB of text) at the budget, streaming it in constant memory', async () => {
    const figures = await measure('compressed', readFileSync(new URL('../../../test/fixtures/compress/nmea-bomb.Z', import.meta.url)));
    expect(figures.outcome).toBe('decompression_bomb');
    expect(figures.peak - figures.before).toBeLessThan(32);
  });

  describeSample('example-bz2.bag', (bag) => {
    it('refuses its bz2 chunk when it claims 100 MiB', async () => {
      const bytes = readFileSync(bag);
      bytes.writeUInt32LE(100 * 1024 * 1024, bytes.lastIndexOf('size=', bytes.indexOf('compression=bz2')) + 'size='.length);
      const figures = await measure('rosbag1', bytes);
      expect(figures.outcome).toBe('decompression_bomb');
      expect(figures.peak - figures.before).toBeLessThan(32);
    });
  });
});
