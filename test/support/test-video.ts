import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath } from '../../src/ingestion/previews/video-preview.js';

/**
 * An H.264 MP4 of ffmpeg's test pattern (with a running clock), made by the ffmpeg the app ships: a stand-in for a
 * drone's video where no small public one exists (a DJI video keeps its GPS in an SRT file beside it). `subtitles`: an
 * SRT file muxed in as a subtitle stream (mov_text), as DJI models that record their telemetry inside the video do.
 */
export function testPatternVideo(seconds: number, options: { subtitles?: string } = {}): Buffer {
  const binary = ffmpegPath();
  if (!binary) throw new Error('no ffmpeg: @ffmpeg-installer/linux-x64 is not installed');
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
      `testsrc=duration=${seconds}:size=640x360:rate=25`,
      ...(options.subtitles ? ['-i', options.subtitles, '-map', '0:v', '-map', '1:s', '-c:s', 'mov_text'] : []),
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      out,
    ]);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
