import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath } from '../../src/ingestion/previews/video-preview.js';

/** Test videos already made, in the repository's node_modules/.cache. */
const VIDEO_CACHE = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'test-videos');

/**
 * An H.264 MP4 of ffmpeg's test pattern (with a running clock), made by the ffmpeg the app ships: a stand-in for a
 * drone's video where no small public one exists (a DJI video keeps its GPS in an SRT file beside it). `subtitles`: an
 * SRT file muxed in as a subtitle stream (mov_text), as DJI models that record their telemetry inside the video do.
 */
export function testPatternVideo(seconds: number, options: { subtitles?: string } = {}): Buffer {
  const binary = ffmpegPath();
  if (!binary) throw new Error('no ffmpeg: @ffmpeg-installer/linux-x64 is not installed');
  const subtitles = options.subtitles === undefined ? undefined : readFileSync(options.subtitles);
  // Made once per input and kept (node_modules/.cache/test-videos, keyed by the encoder, the arguments and the SRT's
  // bytes): encoding was a few CPU seconds of each run.
  const key = createHash('sha256')
    .update(binary)
    .update(`\0${String(seconds)}\0`);
  if (subtitles) key.update(subtitles);
  const cached = join(VIDEO_CACHE, `${key.digest('hex')}.mp4`);
  if (existsSync(cached)) return readFileSync(cached);
  const dir = mkdtempSync(join(tmpdir(), 'test-video-'));
  try {
    const out = join(dir, 'pattern.mp4');
    execFileSync(binary, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc=duration=${String(seconds)}:size=640x360:rate=25`,
      ...(options.subtitles ? ['-i', options.subtitles, '-map', '0:v', '-map', '1:s', '-c:s', 'mov_text'] : []),
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      out,
    ]);
    const video = readFileSync(out);
    // Written aside and renamed, so a test in another worker never reads half a file.
    mkdirSync(VIDEO_CACHE, { recursive: true });
    const temp = join(VIDEO_CACHE, `${String(process.pid)}-${String(Date.now())}.part`);
    writeFileSync(temp, video);
    renameSync(temp, cached);
    return video;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
