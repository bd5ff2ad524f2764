import { describeSample } from '../../../test/support/samples.js';
import { ffmpegPath, thumbnailTimes, videoPreview } from './video-preview.js';

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
  it('makes eight JPEG thumbnails and a short MP4 clip', async () => {
    const preview = await videoPreview(path, { durationSeconds: 10, width: null, height: null });
    expect(preview.reason).toBeNull();
    expect(preview.content).toMatchObject({ kind: 'video', clip: 'clip.mp4', clipSeconds: 6 });
    const thumbs = preview.files.filter((f) => f.name.endsWith('.jpg'));
    expect(thumbs).toHaveLength(8);
    for (const t of thumbs) expect(isJpeg(t.body)).toBe(true);
    const clip = preview.files.find((f) => f.name === 'clip.mp4');
    expect(clip?.body.toString('latin1', 4, 8)).toBe('ftyp');
    expect(clip?.body.length).toBeLessThan(2 * 1024 * 1024);
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
