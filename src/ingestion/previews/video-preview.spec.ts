import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { runningChildren } from '../../../test/support/child-processes.js';
import { describeSample } from '../../../test/support/samples.js';
import { testPatternVideo } from '../../../test/support/test-video.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { abandonScratch, resumeScratch, scratchInFlight } from '../scratch.js';
import type { VideoPreview } from './preview.types.js';
import { ffmpegPath, thumbnailTimes, videoPreview, videoTrack } from './video-preview.js';

describe('thumbnailTimes', () => {
  it('spreads frames over the middle of equal parts', () => {
    expect(thumbnailTimes(16, 8)).toEqual([1, 3, 5, 7, 9, 11, 13, 15]);
  });
});

describe('ffmpegPath', () => {
  it('finds the binary shipped inside the npm package', () => {
    expect(ffmpegPath()).toMatch(/@ffmpeg-installer\/linux-x64\/ffmpeg$/);
  });
});

const isJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9;

describeSample('karma.mp4', (path) => {
  // 12.08 s of a GoPro Karma flight; its gpmd track holds 13 one-second payloads with 47 GPRI fixes (see the mp4 probe spec).
  it('makes eight JPEG thumbnails, a clip of the whole flight and the GPS track timed from the video start', async () => {
    const preview = await videoPreview(path, { durationSeconds: 12.078733, width: 854, height: 480 });
    expect(preview.reason).toBeNull();
    const content = preview.content as VideoPreview;
    // With a GPS track, the clip runs up to 30 s: here the whole video, so the playhead can follow the whole track.
    expect(content).toMatchObject({ kind: 'video', clip: 'clip.mp4', clipSeconds: 12.078733, trackSource: 'GoPro GPMF GPRI' });
    const thumbs = preview.files.filter((f) => f.name.endsWith('.jpg'));
    expect(thumbs).toHaveLength(8);
    for (const t of thumbs) expect(isJpeg(t.body)).toBe(true);
    const clip = preview.files.find((f) => f.name === 'clip.mp4');
    expect(clip?.body.toString('latin1', 4, 8)).toBe('ftyp');
    expect(clip?.body.length).toBeLessThan(2 * 1024 * 1024);
    const track = content.track ?? [];
    expect(track).toHaveLength(47);
    // Timed within the video, in order, and inside the bbox the probe gives for GPRI.
    const times = track.map((p) => p[2] ?? NaN);
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect(times.at(-1)).toBeLessThanOrEqual(12.08);
    expect(times.at(-1)).toBeGreaterThan(10);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    for (const [lon, lat] of track) {
      expect(lon).toBeGreaterThanOrEqual(-117.3314763);
      expect(lon).toBeLessThanOrEqual(-117.331064);
      expect(lat).toBeGreaterThanOrEqual(33.125368);
      expect(lat).toBeLessThanOrEqual(33.126004);
    }
  }, 60_000);

  it('leaves no ffmpeg running and no folder behind when its thread abandons the work mid-way (a stopped preview thread)', async () => {
    const making = videoPreview(path, { durationSeconds: 12.078733, width: 854, height: 480 });
    const inFlight = await waitFor(() => {
      const now = scratchInFlight();
      return now.children.length > 0 ? now : undefined;
    }, 'an ffmpeg of the preview running');
    const [ffmpeg] = inFlight.children;
    expect(inFlight.folders).toHaveLength(1);
    expect(existsSync(inFlight.folders[0])).toBe(true);
    abandonScratch();
    try {
      // The run goes on (a stopped thread is terminated next; here it ends on its own): each step whose ffmpeg was
      // killed is caught and the next starts another, killed as it starts. Watched until the run ends, no ffmpeg of
      // this process runs unkilled (before, the next thumbnail's ran to its end).
      const ended = making.then(
        (preview) => preview.content.kind,
        () => 'failed',
      );
      const seen = new Set<number>();
      for (let done = false; !done; done = await Promise.race([ended.then(() => true), sleep(2).then(() => false)]))
        for (const pid of runningChildren('ffmpeg')) seen.add(pid);
      expect([...seen]).toEqual([]);
      expect(['none', 'failed']).toContain(await ended); // no preview from what was left
      expect(() => process.kill(ffmpeg, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }) as Error);
      expect(existsSync(inFlight.folders[0])).toBe(false);
      expect(scratchInFlight()).toEqual({ folders: [], children: [] });
    } finally {
      resumeScratch();
    }
  }, 60_000);

  it('reads the track of damaged copies or says why, never throwing', async () => {
    const seed = readFileSync(path);
    const dir = mkdtempSync(join(tmpdir(), 'video-track-'));
    try {
      // moov (with the sample tables) is the last 18,663 bytes: edits go there and anywhere, cuts anywhere.
      const moovAt = seed.length - 18_663;
      const edit = fc.record({
        at: fc.oneof(fc.integer({ min: moovAt, max: seed.length - 1 }), fc.nat({ max: seed.length - 1 })),
        value: fc.integer({ min: 0, max: 255 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { maxLength: 6 }), fc.option(fc.nat({ max: seed.length }), { nil: undefined }), async (edits, cut) => {
          const bytes = Buffer.from(seed);
          for (const e of edits) bytes[e.at] = e.value;
          const file = join(dir, 'damaged.mp4');
          writeFileSync(file, cut === undefined ? bytes : bytes.subarray(0, cut));
          const found = await videoTrack(file);
          if (found.track === null && found.reason !== null) expect(found.reason).toMatch(/^the GoPro GPS track could not be read: /);
          for (const [lon, lat, t] of found.track ?? []) {
            expect(Math.abs(lon)).toBeLessThanOrEqual(180);
            expect(Math.abs(lat)).toBeLessThanOrEqual(90);
            expect(Number.isFinite(t)).toBe(true);
          }
        }),
        { numRuns: 80, seed: 20261203 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still makes the frames of a copy whose telemetry track is damaged, saying why the map is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'video-track-'));
    try {
      const file = join(dir, 'karma.mp4');
      copyFileSync(path, file);
      const bytes = readFileSync(file);
      // The gpmd track's last chunk offset (stco) moved past the end of the file; ffmpeg only reads the video stream.
      const moov = bytes.lastIndexOf('moov');
      const gpmd = bytes.indexOf('gpmd', moov);
      const stco = bytes.indexOf('stco', gpmd);
      const chunks = bytes.readUInt32BE(stco + 8);
      bytes.writeUInt32BE(0x7fffff00, stco + 12 + (chunks - 1) * 4);
      writeFileSync(file, bytes);
      const preview = await videoPreview(file, { durationSeconds: 12.078733, width: 854, height: 480 });
      expect(preview.content).toMatchObject({ kind: 'video', track: null, clipSeconds: 6 });
      expect(preview.reason).toMatch(/^the GoPro GPS track could not be read: gpmd track \d+ has a sample past the end of the file/);
      expect(preview.files.filter((f) => f.name.endsWith('.jpg'))).toHaveLength(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describeSample('jcodec_android_keyed.mp4', (path) => {
  // The sample is the first 405 KB of an 11 s 1080p phone video: its frames are cut off, so there is nothing to show.
  it('says why a cut-off video has no preview instead of failing the job', async () => {
    const preview = await videoPreview(path, { durationSeconds: 11.37, width: 1920, height: 1080 });
    expect(preview.content.kind).toBe('none');
    expect(preview.files).toEqual([]);
    expect(preview.reason).toMatch(/^no frame of the video could be decoded: ffmpeg exited with 1: .*partial file/s);
  }, 60_000);
});

describeSample('dji_mavic_mini.SRT', (srt) => {
  it('takes the GPS track of a DJI video from the SRT text inside it (a subtitle stream), before a sidecar', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dji-video-'));
    try {
      const path = join(dir, 'DJI_0001.MP4');
      writeFileSync(path, testPatternVideo(4, { subtitles: srt }));
      const sidecar = { track: [[0, 0, 0] as [number, number, number]], source: 'DJI SRT (DJI_0001.SRT)' };
      const preview = await videoPreview(path, { durationSeconds: 4, width: 640, height: 360 }, sidecar);
      const content = preview.content as VideoPreview;
      expect(content.trackSource).toBe('DJI SRT (the subtitle track inside the video)');
      // 117 one-second blocks; GPS (lon, lat, n) in this model's layout (SOURCES.txt: lat 48.0771..48.0776, lon -121.7476..-121.7454).
      expect(content.track).toHaveLength(117);
      expect(content.track?.[0]).toEqual([-121.7458, 48.0771, 0]);
      for (const [lon, lat] of content.track ?? []) {
        expect(lon).toBeGreaterThanOrEqual(-121.7476);
        expect(lon).toBeLessThanOrEqual(-121.7454);
        expect(lat).toBeGreaterThanOrEqual(48.0771);
        expect(lat).toBeLessThanOrEqual(48.0776);
      }
      expect(content.track?.at(-1)?.[2]).toBe(116);

      // Without a subtitle stream, the sidecar's track is the one shown.
      writeFileSync(path, testPatternVideo(2));
      const plain = (await videoPreview(path, { durationSeconds: 2, width: 640, height: 360 }, sidecar)).content as VideoPreview;
      expect(plain.trackSource).toBe('DJI SRT (DJI_0001.SRT)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
