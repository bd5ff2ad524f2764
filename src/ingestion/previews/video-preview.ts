import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gpmfTrack } from '../formats/mp4.probe.js';
import type { GeneratedPreview } from './generated-preview.js';
import { MAX_TRACK_POINTS, thin, type TrackPoint, type VideoPreview } from './preview.types.js';
import { removeScratchDir, scratchDir, trackChild } from '../scratch.js';
import { srtTrack } from './table-preview.js';

export const THUMBNAILS = 8;
export const THUMBNAIL_WIDTH = 320;
export const CLIP_SECONDS = 6;
export const CLIP_WIDTH = 480;
/** A video with a timed GPS track gets a longer clip (up to this), so the playhead can follow more of its track. */
export const TRACKED_CLIP_SECONDS = 30;
/** Subtitle text read from inside a video at most: a DJI drone writes a block per frame, about 1 MB a minute. */
const MAX_SUBTITLE_BYTES = 64 * 1024 * 1024;
/** The longest one ffmpeg run may take before it is stopped (a damaged file can make it spin). */
const FFMPEG_TIMEOUT_MS = 120_000;

/**
 * The ffmpeg binary shipped inside the `@ffmpeg-installer/linux-x64` npm package (an optional dependency: other
 * platforms install without it and videos there get no preview, saying why). FFMPEG_PATH overrides it.
 */
export function ffmpegPath(): string | null {
  if (process.env.FFMPEG_PATH) return process.env.FFMPEG_PATH;
  try {
    const manifest = createRequire(import.meta.url).resolve('@ffmpeg-installer/linux-x64/package.json');
    const binary = join(dirname(manifest), 'ffmpeg');
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function run(binary: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    trackChild(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), FFMPEG_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg ${signal ? `was stopped (${signal})` : `exited with ${code}`}: ${stderr.trim().slice(0, 500)}`));
    });
  });
}

/** Evenly spread frame times: the middle of each of `count` equal parts of the video. */
export function thumbnailTimes(durationSeconds: number, count = THUMBNAILS): number[] {
  return Array.from({ length: count }, (_, i) => Number(((durationSeconds * (i + 0.5)) / count).toFixed(3)));
}

export interface VideoFacts {
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
}

/**
 * The GoPro GPS track of the video file at `path`, each fix timed in seconds from the video's start (GPMF 'gpmd' track).
 * A damaged telemetry track is no reason to drop the video's preview: it answers the reason instead.
 */
export async function videoTrack(path: string): Promise<{ track: TrackPoint[]; source: string } | { track: null; reason: string | null }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const found = await gpmfTrack({
      size,
      head: Buffer.alloc(0),
      read: async (offset, length) => {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
        const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
        return buffer.subarray(0, bytesRead);
      },
    });
    if (!found) return { track: null, reason: null };
    const track = thin(found.points, MAX_TRACK_POINTS).map(([lon, lat, t]): TrackPoint => [lon, lat, Number(t.toFixed(3))]);
    return { track, source: `GoPro GPMF ${found.stream}` };
  } catch (error) {
    return { track: null, reason: `the GoPro GPS track could not be read: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await file.close();
  }
}

/**
 * The GPS track a DJI drone writes into the video itself: a subtitle stream carrying the same text as its SRT sidecar
 * (models that record both), extracted by ffmpeg into `work` and read as DJI SRT. Null when the video has no subtitle
 * stream, or its text holds no positions.
 */
export async function embeddedSubtitleTrack(binary: string, path: string, work: string): Promise<{ track: TrackPoint[]; source: string } | null> {
  const out = join(work, 'subtitles.srt');
  try {
    await run(binary, ['-i', path, '-map', '0:s:0', '-c:s', 'srt', '-f', 'srt', out]);
  } catch {
    return null; // no subtitle stream (or one ffmpeg cannot turn into text): no track from it
  }
  if (!existsSync(out) || (await stat(out)).size > MAX_SUBTITLE_BYTES) return null;
  const track = srtTrack(await readFile(out));
  return track ? { track, source: 'DJI SRT (the subtitle track inside the video)' } : null;
}

/**
 * A strip of THUMBNAILS JPEG frames and a CLIP_SECONDS low-resolution H.264 clip (no audio) of the video file at
 * `path`, made with ffmpeg in a temporary folder that is removed afterwards, and the GPS track timed from the video's
 * start (GoPro GPMF inside the file, else DJI SRT text in a subtitle stream inside it, else a DJI SRT `sidecar`'s), which
 * lengthens the clip to TRACKED_CLIP_SECONDS.
 */
export async function videoPreview(
  path: string,
  facts: VideoFacts,
  sidecar: { track: TrackPoint[]; source: string } | null = null,
): Promise<GeneratedPreview> {
  const binary = ffmpegPath();
  if (!binary)
    return { content: { kind: 'none' }, files: [], reason: 'no ffmpeg on this platform (@ffmpeg-installer/linux-x64 ships it for Linux x64)' };
  const work = await scratchDir('preview-');
  try {
    // The camera's own telemetry first (GoPro GPMF, a DJI subtitle stream); else the DJI SRT uploaded beside the video.
    const own = await videoTrack(path);
    const embedded = own.track === null ? await embeddedSubtitleTrack(binary, path, work) : null;
    const gps = own.track === null ? (embedded ?? sidecar ?? own) : own;
    const duration = facts.durationSeconds && facts.durationSeconds > 0 ? facts.durationSeconds : 1;
    const times = thumbnailTimes(duration);
    const thumbnails: VideoPreview['thumbnails'] = [];
    const failures: string[] = [];
    for (const [i, t] of times.entries()) {
      const file = `thumb-${i + 1}.jpg`;
      try {
        // -ss before -i seeks by keyframe then decodes to the exact time: fast on long files.
        await run(binary, [
          '-ss',
          String(t),
          '-i',
          path,
          '-an',
          '-frames:v',
          '1',
          '-vf',
          `scale=${THUMBNAIL_WIDTH}:-2`,
          '-q:v',
          '5',
          join(work, file),
        ]);
        if (existsSync(join(work, file))) thumbnails.push({ file, t });
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    const clipSeconds = Math.min(gps.track ? TRACKED_CLIP_SECONDS : CLIP_SECONDS, duration);
    let clip: string | null = 'clip.mp4';
    let reason: string | null = gps.track || own.track ? null : own.reason;
    try {
      await run(binary, [
        '-i',
        path,
        '-t',
        String(clipSeconds),
        '-an',
        '-vf',
        `scale=${CLIP_WIDTH}:-2,fps=15`,
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-crf',
        '32',
        '-pix_fmt',
        'yuv420p',
        '-movflags',
        '+faststart',
        join(work, clip),
      ]);
    } catch (error) {
      clip = null;
      reason = `the preview clip could not be made: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (thumbnails.length === 0 && clip === null)
      return { content: { kind: 'none' }, files: [], reason: `no frame of the video could be decoded: ${failures[0] ?? reason}` };
    const names = new Set(await readdir(work));
    const files = await Promise.all(
      [...thumbnails.map((th) => th.file), ...(clip ? [clip] : [])]
        .filter((name) => names.has(name))
        .map(async (name) => ({ name, contentType: name.endsWith('.mp4') ? 'video/mp4' : 'image/jpeg', body: await readFile(join(work, name)) })),
    );
    const content: VideoPreview = {
      kind: 'video',
      thumbnails,
      clip,
      clipSeconds: clip ? clipSeconds : null,
      durationSeconds: facts.durationSeconds,
      width: facts.width,
      height: facts.height,
      track: gps.track,
      ...(gps.track ? { trackSource: gps.source } : {}),
    };
    return { content, files, reason };
  } finally {
    await removeScratchDir(work);
  }
}
