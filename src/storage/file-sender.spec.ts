import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SEND_CHUNK_BYTES, pooledSendBuffers, sendFileRange } from './file-sender.js';

/** A destination that keeps copies (the sender reuses its buffers once a write completes, as a socket allows). */
class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  outstanding = 0;
  maxOutstanding = 0;
  constructor(private readonly delayMs = 0) {
    super({ highWaterMark: 1 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.outstanding += 1;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    const copy = Buffer.from(chunk);
    setTimeout(() => {
      this.chunks.push(copy);
      this.outstanding -= 1;
      done();
    }, this.delayMs);
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

describe('sendFileRange', () => {
  const dir = mkdtempSync(join(tmpdir(), 'file-sender-'));
  const content = randomBytes(3 * SEND_CHUNK_BYTES + 12_345);
  const path = join(dir, 'object.bin');
  writeFileSync(path, content);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const finished = (out: Writable) => new Promise<void>((resolve) => out.once('finish', resolve));

  it.each([
    ['the whole file', 0, content.length - 1],
    ['one byte', 7, 7],
    ['a range across chunk boundaries', SEND_CHUNK_BYTES - 3, 2 * SEND_CHUNK_BYTES + 5],
    ['the last bytes', content.length - 100, content.length - 1],
  ])('sends exactly %s and ends the destination', async (_what, start, end) => {
    const out = new Collector();
    const done = finished(out);
    await sendFileRange(await open(path, 'r'), out, start, end);
    await done;
    expect(out.bytes.equals(content.subarray(start, end + 1))).toBe(true);
  });

  it('ends at once for an empty range (an empty file) and closes the file', async () => {
    const empty = join(dir, 'empty.bin');
    writeFileSync(empty, '');
    const file = await open(empty, 'r');
    const out = new Collector();
    const done = finished(out);
    await sendFileRange(file, out, 0, -1);
    await done;
    expect(out.bytes.length).toBe(0);
    expect(file.fd).toBe(-1);
  });

  it('keeps at most 4 writes in flight to a slow destination, and reuses its buffers across transfers', async () => {
    const out = new Collector(5);
    const done = finished(out);
    await sendFileRange(await open(path, 'r'), out, 0, content.length - 1);
    await done;
    expect(out.maxOutstanding).toBeLessThanOrEqual(4);
    expect(out.bytes.equals(content)).toBe(true);
    expect(pooledSendBuffers()).toBeGreaterThan(0);

    const again = new Collector();
    const doneAgain = finished(again);
    await sendFileRange(await open(path, 'r'), again, 0, content.length - 1);
    await doneAgain;
    expect(again.bytes.equals(content)).toBe(true);
    // Transfers one after another take their buffers from the pool: it never holds more than one transfer's worth.
    expect(pooledSendBuffers()).toBeLessThanOrEqual(4);
  });

  it('stops without an error when the destination is destroyed mid-way, and closes the file', async () => {
    let file: FileHandle | undefined;
    const out = new Collector(2);
    out.on('error', () => undefined);
    const sending = sendFileRange((file = await open(path, 'r')), out, 0, content.length - 1);
    setTimeout(() => out.destroy(), 3);
    await expect(sending).resolves.toBeUndefined();
    expect(out.bytes.length).toBeLessThan(content.length);
    expect(file.fd).toBe(-1);
  });

  it('destroys the destination when the file is shorter than the range it promised', async () => {
    const out = new Collector();
    const failed = new Promise<Error>((resolve) => out.once('error', resolve));
    await sendFileRange(await open(path, 'r'), out, content.length - 10, content.length + 10);
    expect((await failed).message).toMatch(/ended at byte/);
    expect(out.destroyed).toBe(true);
  });
});
