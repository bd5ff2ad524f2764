import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { DatasetResponse } from '../src/catalog/dto/dataset.response.js';
import type { CapturePreviewResponse } from '../src/ingestion/dto/capture-preview.response.js';
import type { PointCloudPreview, RoboticsPreview, TablePreview, VideoPreview } from '../src/ingestion/previews/preview.types.js';
import { AppConfig } from '../src/config/app-config.js';
import { CapturePreviewRepository } from '../src/ingestion/repositories/capture-preview.repository.js';
import { CaptureRepository } from '../src/ingestion/repositories/capture.repository.js';
import { processScratchDir, SCRATCH_ROOT } from '../src/ingestion/scratch.js';
import { CapturePreviewService } from '../src/ingestion/services/capture-preview.service.js';
import { JobsService } from '../src/queue/jobs.service.js';
import { ObjectStorage } from '../src/storage/object-storage.port.js';
import { readyCapture } from './support/captures.js';
import { runningChildren } from './support/child-processes.js';
import { auth, logIn, publishCaptures, signUp, TEST_ADMIN } from './support/checkout.js';
import { describeWithSamples, samplePath } from './support/samples.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { testPatternVideo } from './support/test-video.js';
import { waitFor } from './support/wait-for.js';

const SAMPLES = ['karma.mp4', 'bunny.ply', 'talker.mcap', 'gpsbabel_iblue747.csv'] as const;
/** A DJI Mavic Mini's SRT (117 one-second subtitles, GPS as lon, lat): the sidecar of a video named like it. */
const SRT = 'dji_mavic_mini.SRT';

/** Reads a binary response body whole. */
const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
  });
  res.on('end', () => {
    done(null, Buffer.concat(chunks));
  });
};

/**
 * Issue 14 item 1 end to end on real files from ../shared/samples: each capture's preview is made by its own job once
 * the capture is ready, stored as files in object storage, served to anyone for a listed dataset's sample files and
 * to the owner and admins for any capture; everyone else gets the 404 of a missing capture.
 */
describeWithSamples('previews made at ingestion (e2e)', [...SAMPLES, SRT], () => {
  let t: TestApp;
  let admin: string;
  let alice: string;
  let bob: string;
  let buyer: string;
  const ids: Record<(typeof SAMPLES)[number], string> = { 'karma.mp4': '', 'bunny.ply': '', 'talker.mcap': '', 'gpsbabel_iblue747.csv': '' };
  let dataset: DatasetResponse;

  const previewOf = async (id: string, token: string | null = alice, status = 200) => {
    const call = t.http().get(`/v1/captures/${id}/preview`);
    if (token) call.set(auth(token));
    return (await call.expect(status)).body as CapturePreviewResponse;
  };
  const fileOf = async (id: string, name: string, token: string | null, status = 200) => {
    const call = t.http().get(`/v1/captures/${id}/preview/files/${name}`).buffer(true).parse(binary);
    if (token) call.set(auth(token));
    return call.expect(status);
  };
  const made = (id: string) =>
    waitFor(async () => ((await previewOf(id)).status === 'ready' ? previewOf(id) : undefined), `the preview of ${id}`, 120_000);

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    admin = await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password);
    alice = await signUp(t, 'alice@previews.test', 'contributor');
    bob = await signUp(t, 'bob@previews.test', 'contributor');
    buyer = await signUp(t, 'buyer@previews.test', 'buyer');
    for (const name of SAMPLES) ids[name] = (await readyCapture(t, alice, readFileSync(samplePath(name)), name)).id;
    for (const name of SAMPLES) await made(ids[name]);
    // The log stays out of the dataset: its preview is the owner's and the admins' only.
    const { datasetId } = await publishCaptures(
      t,
      { contributor: alice, admin },
      {
        title: 'Previews',
        description: 'A drone video, a scanned bunny and a GPS logger.',
        licenceSlug: 'commercial-ai-training',
        priceUsdCents: 5_000,
        captureIds: [ids['karma.mp4'], ids['bunny.ply'], ids['gpsbabel_iblue747.csv']],
      },
    );
    dataset = (await t.http().get(`/v1/datasets/${datasetId}`).expect(200)).body as DatasetResponse;
  }, 300_000);

  afterAll(async () => {
    await t.close();
  });

  /** A preview service of its own on the app's parts, so that closing it leaves the app's preview thread up for the other tests. */
  const ownPreviewService = () =>
    new CapturePreviewService(
      t.app.get(CaptureRepository),
      t.app.get(CapturePreviewRepository),
      t.app.get(ObjectStorage),
      t.app.get(JobsService),
      t.app.get(AppConfig),
    );

  it('makes eight thumbnails and a short clip of a video, served as JPEG and MP4', async () => {
    const preview = await previewOf(ids['karma.mp4']);
    expect(preview).toMatchObject({ status: 'ready', kind: 'video', format: 'mp4', reason: null });
    const content = preview.content as VideoPreview;
    expect(content.thumbnails).toHaveLength(8);
    expect(content.clip).toBe('clip.mp4');
    const thumb = await fileOf(ids['karma.mp4'], content.thumbnails[0].file, alice);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect([...(thumb.body as Buffer).subarray(0, 2)]).toEqual([0xff, 0xd8]);
    const clip = await fileOf(ids['karma.mp4'], 'clip.mp4', alice);
    expect(clip.headers['content-type']).toBe('video/mp4');
    expect((clip.body as Buffer).toString('latin1', 4, 8)).toBe('ftyp');
  });

  it('renders a top-down and a perspective PNG of a point cloud, and the viewer points', async () => {
    const preview = await previewOf(ids['bunny.ply']);
    expect(preview).toMatchObject({ status: 'ready', kind: 'pointcloud' });
    const content = preview.content as PointCloudPreview;
    expect(content).toMatchObject({ pointsRead: 8171, sampled: 8171 });
    const png = await fileOf(ids['bunny.ply'], content.topDown, alice);
    expect(png.headers['content-type']).toBe('image/png');
    expect((png.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
    expect(((await fileOf(ids['bunny.ply'], content.points, alice)).body as Buffer).length).toBe(8171 * 15);
  });

  it('tabulates the topics of a robotics log', async () => {
    const content = (await previewOf(ids['talker.mcap'])).content as RoboticsPreview;
    expect(content.kind).toBe('robotics');
    expect(content.topics.find((topic) => topic.topic === '/topic')).toMatchObject({ type: 'std_msgs/msg/String' });
  });

  it('shows the first rows, plots and the track of a GPS logger CSV', async () => {
    const content = (await previewOf(ids['gpsbabel_iblue747.csv'])).content as TablePreview;
    expect(content.kind).toBe('table');
    expect(content.rows[0].slice(2, 4)).toEqual(['2005/05/01', '10:12:47']);
    expect(content.series.map((s) => s.name)).toEqual(['HEIGHT', 'SPEED', 'DISTANCE']);
    expect(content.track?.length).toBeGreaterThan(10);
    const [lon, lat] = content.track?.[0] ?? [];
    expect(lat).toBeCloseTo(51.31, 1);
    expect(lon).toBeCloseTo(12.41, 1);
  });

  it("serves a listed dataset's sample previews to anyone, signed in or not", async () => {
    const samples = dataset.published?.sampleFiles.map((f) => f.captureId) ?? [];
    expect(samples).toEqual(expect.arrayContaining([ids['karma.mp4'], ids['bunny.ply']]));
    for (const id of samples) {
      for (const token of [null, bob, buyer]) {
        const preview = await previewOf(id, token);
        expect(preview.status).toBe('ready');
        // A table's preview is all content, no files; the others' files are served with the same rights.
        for (const name of preview.files) await fileOf(id, name, token);
      }
    }
  });

  it("keeps any other capture's preview to its owner and admins: 404 for everyone else, as for an unknown id", async () => {
    const log = ids['talker.mcap'];
    expect((await previewOf(log, admin)).kind).toBe('robotics');
    for (const token of [null, bob, buyer]) {
      const refused = (
        await t
          .http()
          .get(`/v1/captures/${log}/preview`)
          .set(token ? auth(token) : {})
          .expect(404)
      ).body as { code: string };
      expect(refused.code).toBe('CAPTURE_NOT_FOUND');
    }
    const unknown = (await t.http().get(`/v1/captures/00000000-0000-4000-8000-000000000000/preview`).set(auth(bob)).expect(404)).body as {
      code: string;
    };
    expect(unknown.code).toBe('CAPTURE_NOT_FOUND');
    await t.http().get(`/v1/captures/not-a-uuid/preview`).expect(400);
    // A file that the preview does not have, even on a public sample: 404 with its own code, never a store error.
    const missing = (await t.http().get(`/v1/captures/${ids['karma.mp4']}/preview/files/..%2F..%2Fsecret`).expect(404)).body as { code: string };
    expect(missing.code).toBe('CAPTURE_PREVIEW_NOT_FOUND');
  });

  it("gives a DJI video the timed track of the SRT beside it, even when the SRT arrives later; another owner's SRT is not its sidecar", async () => {
    const video = (await readyCapture(t, alice, testPatternVideo(8), 'flights/DJI_0001.MP4')).id;
    const alone = await made(video);
    expect(alone.content).toMatchObject({ kind: 'video', track: null, clipSeconds: 6 });
    // Bob's SRT of the same name is no sidecar of Alice's video.
    const foreign = (await readyCapture(t, bob, readFileSync(samplePath('mavic_air2.srt')), 'flights/DJI_0001.SRT')).id;
    await waitFor(async () => ((await previewOf(foreign, bob)).status === 'ready' ? true : undefined), 'the preview of Bob SRT', 120_000);
    const srt = (await readyCapture(t, alice, readFileSync(samplePath(SRT)), 'flights/DJI_0001.SRT')).id;
    // The SRT's own preview: its rows, and its track timed by the subtitles.
    const table = (await made(srt)).content as TablePreview;
    expect(table).toMatchObject({ kind: 'table', source: 'DJI SRT' });
    expect(table.track?.map((p) => p[2])).toEqual(Array.from({ length: 117 }, (_, i) => i));
    const paired = await waitFor(
      async () => {
        const now = await previewOf(video);
        return (now.content as VideoPreview | null)?.track ? now : undefined;
      },
      'the video preview made again with the SRT track',
      120_000,
    );
    const content = paired.content as VideoPreview;
    expect(content).toMatchObject({ kind: 'video', trackSource: 'DJI SRT (flights/DJI_0001.SRT)', clipSeconds: 8 });
    expect(content.track).toHaveLength(117);
    for (const [lon, lat, time] of content.track ?? []) {
      expect(lat).toBeGreaterThanOrEqual(48.0771);
      expect(lat).toBeLessThanOrEqual(48.0776);
      expect(lon).toBeGreaterThanOrEqual(-121.7476);
      expect(lon).toBeLessThanOrEqual(-121.7454);
      expect(time).toBeGreaterThanOrEqual(0);
    }
  }, 300_000);

  it('makes the preview again when the generator is newer than the one that made it', async () => {
    const id = ids['gpsbabel_iblue747.csv'];
    const before = await previewOf(id);
    await t.sql(`UPDATE capture_previews SET version = 0 WHERE capture_id = $1`, [id]);
    expect(await t.app.get(CapturePreviewService).sweep()).toBe(1);
    const after = await waitFor(async () => {
      const now = await previewOf(id);
      return new Date(now.generatedAt ?? 0).getTime() > new Date(before.generatedAt ?? 0).getTime() ? now : undefined;
    }, 'the preview made again');
    expect(after.content).toEqual(before.content);
    const [row] = await t.sql<{ version: number }>(`SELECT version FROM capture_previews WHERE capture_id = $1`, [id]);
    expect(row.version).toBeGreaterThan(0);
  });

  it('a preview stopped mid-way by its module shutting down leaves no ffmpeg running and no temporary folder', async () => {
    const service = ownPreviewService();
    const previewFolders = () =>
      existsSync(processScratchDir()) ? readdirSync(processScratchDir()).filter((name) => name.startsWith('preview-')) : [];
    const scratchBefore = new Set(previewFolders());
    // The app's own preview jobs run their ffmpeg in this process too (the video's preview, made again behind the one
    // running when its SRT became ready, may still be due): once they are done, every ffmpeg here is the stopped one's.
    await waitFor(async () => {
      const [{ n }] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'capture.preview' AND state IN ('created', 'retry', 'active')`,
      );
      return n === 0 ? true : undefined;
    }, "the app's preview jobs to end");
    expect(runningChildren('ffmpeg')).toEqual([]);
    const running = service.run({ id: 'stopped', payload: { captureId: ids['karma.mp4'] }, attempt: 1 }).catch((error: unknown) => error);
    await waitFor(() => {
      const found = runningChildren('ffmpeg');
      return found.length > 0 ? found : undefined;
    }, 'ffmpeg started by the preview thread');
    await service.onModuleDestroy();
    expect(String(await running)).toMatch(/The worker pool was closed/);
    // Killed (gone, a zombie until this process reaps it, or dying), none started after the stop request, and the
    // thread's folders (the capture's copy, ffmpeg's output) removed: before, both outlived the thread, ffmpeg for up
    // to its 120 s limit.
    expect(runningChildren('ffmpeg')).toEqual([]);
    expect(previewFolders().filter((name) => !scratchBefore.has(name))).toEqual([]);
  });

  it('a preview job still running when its module shuts down starts no thread: it fails, for the queue to retry', async () => {
    const service = ownPreviewService();
    await service.onModuleDestroy();
    const id = ids['gpsbabel_iblue747.csv'];
    const before = await previewOf(id);
    // Before, the first job made the pool: one after shutdown started a thread (compiling the worker's sources here)
    // that nothing ever closed.
    await expect(service.run({ id: 'late', payload: { captureId: id }, attempt: 1 })).rejects.toThrow('The worker pool is closed');
    expect((await previewOf(id)).generatedAt).toBe(before.generatedAt);
  });
});

/**
 * A process killed outright (SIGKILL, as the OOM killer does) runs no clean-up of its own: its scratch folders (a
 * capture's whole copy for ffmpeg or SQLite) stay until the next instance on the host starts (src/ingestion/scratch.ts).
 */
describe('scratch folders of killed processes (e2e)', () => {
  let t: TestApp;
  let left: string;
  const mine = processScratchDir();

  beforeAll(async () => {
    // A process of this host that made its scratch folder, wrote a capture's copy in it, and was killed mid-way.
    const killed = spawn('sh', [
      '-c',
      'mkdir -p "$1/$2.$$/preview-abc123" && head -c 1048576 /dev/zero > "$1/$2.$$/preview-abc123/capture" && kill -9 $$',
      'sh',
      SCRATCH_ROOT,
      hostname(),
    ]);
    const end = await new Promise<NodeJS.Signals | null>((resolve) => {
      killed.once('exit', (_code, signal) => {
        resolve(signal);
      });
    });
    expect(end).toBe('SIGKILL');
    left = join(SCRATCH_ROOT, `${hostname()}.${String(killed.pid)}`);
    expect(existsSync(join(left, 'preview-abc123', 'capture'))).toBe(true);
    mkdirSync(mine, { recursive: true });
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('an instance starting up removes them, and leaves the folder of a process still running', async () => {
    await waitFor(() => (existsSync(left) ? undefined : true), `the killed process's scratch folder removed at start-up`);
    expect(existsSync(mine)).toBe(true);
  });
});
