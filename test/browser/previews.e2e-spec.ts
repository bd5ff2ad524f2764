import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { DatasetResponse } from '../../src/catalog/dto/dataset.response.js';
import type { CapturePreviewResponse } from '../../src/ingestion/dto/capture-preview.response.js';
import type { LicenceTemplateResponse } from '../../src/licensing/dto/licence.dto.js';
import { countIs, SCREENSHOT_DIR, startBrowserApp, type BrowserApp } from '../support/browser.js';
import { readyCapture } from '../support/captures.js';
import { auth, logIn, signUp, TEST_ADMIN } from '../support/checkout.js';
import { encodePng } from '../../src/ingestion/previews/png-encoder.js';
import { sensorBag } from '../support/ros1-bag.js';
import { testPatternVideo } from '../support/test-video.js';
import { describeWithSamples, samplePath } from '../support/samples.js';
import { waitFor } from '../support/wait-for.js';

/** One file of each preview kind, from ../shared/samples, in the order the pages show them. */
const LISTED = ['karma.mp4', 'bunny.ply', 'talker.mcap', 'gpsbabel_iblue747.csv', 'cerknicko-jezero.gpx'] as const;
const REVIEWED = ['car6.pcd', 'autzen_trim.laz', 'bu353s4.log', 'demo3.10o'] as const;
/** E57 and ROS 1 bags (real files, and a written bag with GPS, IMU and camera topics), in a third listed dataset. */
const MORE = ['bunnyInt32.e57', 'example-lz4.bag'] as const;
const SENSOR_BAG = 'sensors.bag';
/** A DJI-style pair: a video (ffmpeg's test pattern, 8 s) and a real Mavic Mini SRT (117 s of GPS) under its name. */
const DJI_VIDEO = 'DJI_0001.MP4';
const DJI_SRT = 'DJI_0001.SRT';

/** A 64 x 48 colour gradient: the camera frame of the written bag. */
function gradientPng(): Buffer {
  const data = new Uint8Array(64 * 48 * 4);
  for (let y = 0; y < 48; y += 1) for (let x = 0; x < 64; x += 1) data.set([x * 4, y * 5, 160, 255], (y * 64 + x) * 4);
  return encodePng({ width: 64, height: 48, data });
}

/**
 * Issue 14 item 1 as a buyer and a reviewer see it: a listed dataset's sample files previewed on its page (video
 * frames and clip, point cloud renderings, a log's topics, a CSV's and a GPX track's rows, plots and map), and a
 * submitted dataset's captures previewed in the admin's review queue. Each preview is screenshotted on its own.
 */
describeWithSamples('capture previews on the pages (browser)', [...LISTED, ...REVIEWED, ...MORE, 'dji_mavic_mini.SRT'], () => {
  let b: BrowserApp;
  let admin: string;
  let alice: string;
  let listedId: string;
  let moreId: string;
  const ids = new Map<string, string>();

  const dataset = async (title: string, files: readonly string[]) => {
    const licence = ((await b.t.http().get('/v1/licences').expect(200)).body as LicenceTemplateResponse[]).find(
      (l) => l.slug === 'commercial-ai-training',
    );
    const captureIds = files.map((f) => ids.get(f) ?? '');
    const draft = await b.t
      .http()
      .post('/v1/datasets')
      .set(auth(alice))
      .send({
        title,
        description: `${title}: real files, previewed.`,
        captureIds,
        sampleCaptureIds: captureIds.slice(0, 5),
        licenceTemplateId: licence?.id,
        priceUsdCents: 9_900,
        declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
      })
      .expect(201);
    const { id } = draft.body as DatasetResponse;
    await b.t.http().post(`/v1/datasets/${id}/submit`).set(auth(alice)).expect(200);
    return id;
  };

  /** The decoded width of an image: it loaded and is a real picture. */
  const widthOf = (img: Locator) =>
    img.evaluate((i) => {
      const image = i as unknown as { decode(): Promise<void>; naturalWidth: number };
      return image.decode().then(() => image.naturalWidth);
    });

  /** Each ready preview card on the page, saved on its own as <journey>/preview-<kind>-<file>.png. */
  const shootCards = async (page: Page, prefix: string) => {
    const cards = page.locator('section.card.preview[data-ready="true"]');
    for (let i = 0; i < (await cards.count()); i += 1) {
      const card = cards.nth(i);
      const kind = await card.getAttribute('data-kind');
      const name = (await card.locator('h3').textContent())?.replace(/[^\w.-]+/g, '_');
      await card.scrollIntoViewIfNeeded();
      await card.screenshot({ path: join(SCREENSHOT_DIR, 'previews', `${prefix}-${kind}-${name}.png`) });
    }
  };

  beforeAll(async () => {
    b = await startBrowserApp('previews', { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    admin = await logIn(b.t, TEST_ADMIN.email, TEST_ADMIN.password);
    alice = await signUp(b.t, 'alice@previews.test', 'contributor');
    for (const name of [...LISTED, ...REVIEWED, ...MORE]) ids.set(name, (await readyCapture(b.t, alice, readFileSync(samplePath(name)), name)).id);
    ids.set(SENSOR_BAG, (await readyCapture(b.t, alice, sensorBag(gradientPng()), SENSOR_BAG)).id);
    ids.set(DJI_VIDEO, (await readyCapture(b.t, alice, testPatternVideo(8), DJI_VIDEO)).id);
    ids.set(DJI_SRT, (await readyCapture(b.t, alice, readFileSync(samplePath('dji_mavic_mini.SRT')), DJI_SRT)).id);
    for (const id of ids.values())
      await waitFor(
        async () =>
          ((await b.t.http().get(`/v1/captures/${id}/preview`).set(auth(alice)).expect(200)).body as CapturePreviewResponse).status === 'ready'
            ? true
            : undefined,
        `the preview of ${id}`,
        120_000,
      );
    listedId = await dataset('Previews of every kind', LISTED);
    await b.t.http().post(`/v1/admin/datasets/${listedId}/approve`).set(auth(admin)).send({}).expect(200);
    await dataset('Lidar car, a GPS mouse and a RINEX file', REVIEWED);
    // The video's preview is made again once its SRT is ready: wait for the one with the track.
    const djiPreview = async () =>
      (
        (
          await b.t
            .http()
            .get(`/v1/captures/${ids.get(DJI_VIDEO)}/preview`)
            .set(auth(alice))
            .expect(200)
        ).body as CapturePreviewResponse
      ).content;
    await waitFor(
      async () => ((await djiPreview()) as { track?: unknown } | null)?.track ?? undefined,
      'the DJI video preview with its SRT track',
      120_000,
    );
    moreId = await dataset('A scanned bunny, robot logs and a drone flight', [...MORE, SENSOR_BAG, DJI_VIDEO, DJI_SRT]);
    await b.t.http().post(`/v1/admin/datasets/${moreId}/approve`).set(auth(admin)).send({}).expect(200);
  }, 400_000);

  afterAll(async () => {
    await b.close();
  });

  it("shows a listed dataset's sample files as previews to a visitor: frames, clip, renderings, topics, rows, plots, tracks", async () => {
    const page = await b.newPage();
    await page.goto(`/datasets/${listedId}`);
    await countIs(page.locator('section.card.preview[data-ready="true"]'), 5, 60_000);
    const card = (file: string) => page.locator(`section.card.preview[data-capture="${ids.get(file)}"]`);

    const video = card('karma.mp4');
    await countIs(video.locator('.thumb-strip img'), 8);
    await video.locator('video').waitFor();
    expect(await video.locator('video').evaluate((v) => (v as unknown as { readyState: number }).readyState)).toBeGreaterThan(0);
    for (const img of await video.locator('.thumb-strip img').all()) expect(await widthOf(img)).toBe(320);
    // The GoPro's GPS beside the clip: the flight's track close up, a dot that follows the playhead, clicks that seek.
    const track = video.locator('.preview-map path.preview-track');
    await track.waitFor();
    await video.getByText(/^GPS track from GoPro GPMF GPRI: the yellow dot follows the clip/).waitFor();
    // One dot on the close-up map: the one that follows the time (the coverage map's middle dot is hidden).
    expect(await video.locator('.preview-map path.footprint-dot').isVisible()).toBe(false);
    const marker = video.locator('.preview-map path.track-marker');
    const startAt = await marker.getAttribute('d');
    await video.locator('video').evaluate((v) => {
      const player = v as unknown as { currentTime: number };
      player.currentTime = 11;
    });
    await waitFor(async () => ((await marker.getAttribute('d')) !== startAt ? true : undefined), 'the dot to follow the playhead');
    // A click on the track, a third of the way along it, plays the clip from the fix there.
    await track.scrollIntoViewIfNeeded();
    const point = await track.evaluate((path) => {
      const line = path as unknown as {
        getTotalLength(): number;
        getPointAtLength(l: number): { x: number; y: number; matrixTransform(m: unknown): { x: number; y: number } };
        getScreenCTM(): unknown;
      };
      const at = line.getPointAtLength(line.getTotalLength() / 3).matrixTransform(line.getScreenCTM());
      return { x: at.x, y: at.y };
    });
    await page.mouse.click(point.x, point.y);
    await video.getByText(/^Playing from \d+ s, where you clicked on the track\.$/).waitFor();
    const seeked = await video.locator('video').evaluate((v) => (v as unknown as { currentTime: number }).currentTime);
    expect(seeked).toBeGreaterThan(1);
    expect(seeked).toBeLessThan(11);

    const cloud = card('bunny.ply');
    await countIs(cloud.locator('img'), 2);
    for (const img of await cloud.locator('img').all()) expect(await widthOf(img)).toBe(640);
    await cloud.getByText('8,171 of 8,171 points drawn').waitFor();
    // The sample's points in three.js (served by the app): the canvas shows the bunny, not an empty background.
    await cloud.getByRole('button', { name: 'Open the 3-D viewer' }).click();
    const canvas = cloud.getByRole('img', { name: /Interactive 3-D view/ });
    await canvas.waitFor();
    await cloud.getByText('8,171 points · drag to turn').waitFor();
    const painted = await canvas.evaluate((c) => {
      const source = c as unknown as { toDataURL(): string; width: number; height: number };
      const copy = (globalThis as unknown as { document: { createElement(t: string): unknown } }).document.createElement('canvas') as {
        width: number;
        height: number;
        getContext(k: string): {
          drawImage(i: unknown, x: number, y: number): void;
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      };
      copy.width = source.width;
      copy.height = source.height;
      const context = copy.getContext('2d');
      context.drawImage(source, 0, 0);
      const data = context.getImageData(0, 0, source.width, source.height).data;
      let lit = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 150) lit += 1;
      return lit;
    });
    expect(painted).toBeGreaterThan(1000);

    const log = card('talker.mcap');
    await log.getByRole('cell', { name: '/topic' }).waitFor();
    await log.getByRole('cell', { name: 'std_msgs/msg/String' }).waitFor();

    const csv = card('gpsbabel_iblue747.csv');
    await csv.getByRole('columnheader', { name: 'LATITUDE' }).waitFor();
    await countIs(csv.locator('table.preview-rows tbody tr'), 20);
    await countIs(csv.locator('figure.plot'), 3);
    await csv.locator('.preview-map path.footprint').first().waitFor();

    const gpx = card('cerknicko-jezero.gpx');
    await gpx.locator('figure.plot').first().waitFor();
    await gpx.locator('.preview-map path.footprint').first().waitFor();

    // Nothing raw: no JSON on the page (outside the code snippets of the cite / load box), and no card wider than the page.
    const text = await page.evaluate(`(() => {
      const main = document.querySelector('main').cloneNode(true);
      for (const code of main.querySelectorAll('pre')) code.remove();
      return main.textContent;
    })()`);
    expect(text).not.toMatch(/[{[]\s*"/);
    const overflow = await page.evaluate(
      '[...document.querySelectorAll("section.card.preview")].filter((c) => c.scrollWidth > c.clientWidth + 1).length',
    );
    expect(overflow).toBe(0);
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'dataset-previews');
    // On a phone the page keeps to the screen: wide tables scroll inside their cards.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
    await shootCards(page, 'dataset');
    expect(b.pageErrors).toEqual([]);
  });

  it('shows an E57 scan as renderings and ROS 1 bags as topics, plots, a GPS track and a camera frame', async () => {
    const page = await b.newPage();
    await page.goto(`/datasets/${moreId}`);
    await countIs(page.locator('section.card.preview[data-ready="true"]'), 5, 60_000);
    const card = (file: string) => page.locator(`section.card.preview[data-capture="${ids.get(file)}"]`);

    const scan = card('bunnyInt32.e57');
    await countIs(scan.locator('img'), 2);
    for (const img of await scan.locator('img').all()) expect(await widthOf(img)).toBe(640);
    await scan.getByText('30,571 of 30,571 points drawn, coloured by height').waitFor();

    const turtles = card('example-lz4.bag');
    await turtles.getByRole('cell', { name: '/turtle1/pose' }).waitFor();
    await turtles.getByRole('cell', { name: 'turtlesim/Pose' }).first().waitFor();
    await countIs(turtles.locator('figure.plot'), 6);
    await turtles.getByRole('img', { name: /^\/turtle1\/pose x \(m\) over 2\d s/ }).waitFor();

    const sensors = card(SENSOR_BAG);
    await sensors.getByRole('cell', { name: 'sensor_msgs/NavSatFix' }).waitFor();
    await sensors.getByRole('img', { name: /^\/imu acceleration z \(m\/s²\) over 9 s: from 9\.8 to 10\.7$/ }).waitFor();
    const frame = sensors.getByRole('img', { name: 'First frame of /camera/compressed' });
    expect(await widthOf(frame)).toBe(64);
    // The written fixes run due north: a line of no width, attached but not "visible" to Playwright.
    await sensors.locator('.preview-map path.preview-track').waitFor({ state: 'attached' });

    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'dataset-previews-e57-rosbag');
  });

  it("follows a DJI video's playhead on the track of the SRT beside it, and scrubs the SRT's own track with a slider", async () => {
    const page = await b.newPage();
    await page.goto(`/datasets/${moreId}`);
    await countIs(page.locator('section.card.preview[data-ready="true"]'), 5, 60_000);
    const card = (file: string) => page.locator(`section.card.preview[data-capture="${ids.get(file)}"]`);

    const video = card(DJI_VIDEO);
    await video.getByText(`GPS track from DJI SRT (${DJI_SRT}): the yellow dot follows the clip`).waitFor();
    await video.getByText('clip of the whole video, low resolution', { exact: false }).waitFor();
    const track = video.locator('.preview-map path.preview-track');
    await track.scrollIntoViewIfNeeded();
    // Near the end of the 117 s track, past the 8 s clip: the page says so instead of seeking.
    const near = (share: number) =>
      track.evaluate((path, at) => {
        const line = path as unknown as {
          getTotalLength(): number;
          getPointAtLength(l: number): { matrixTransform(m: unknown): { x: number; y: number } };
          getScreenCTM(): unknown;
        };
        const p = line.getPointAtLength(line.getTotalLength() * at).matrixTransform(line.getScreenCTM());
        return { x: p.x, y: p.y };
      }, share);
    const late = await near(0.95);
    await page.mouse.click(late.x, late.y);
    await video.getByText(/^That point is 1 min \d+ s into the video, after the end of the 8 s preview clip\.$/).waitFor();
    const early = await near(0.01);
    await page.mouse.click(early.x, early.y);
    await video.getByText(/^Playing from [0-7] s, where you clicked on the track\.$/).waitFor();

    const srt = card(DJI_SRT);
    const slider = srt.getByLabel('Time along the track');
    const marker = srt.locator('.preview-map path.track-marker');
    await marker.waitFor();
    const before = await marker.getAttribute('d');
    await slider.fill('60');
    await srt.getByText('1 min 0 s of 1 min 56 s').waitFor();
    expect(await marker.getAttribute('d')).not.toBe(before);
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'dataset-previews-dji');
    await shootCards(page, 'dataset');
    expect(b.pageErrors).toEqual([]);
  });

  it("shows a submitted dataset's captures as previews to the reviewing admin", async () => {
    const page = await b.newPage();
    await page.goto('/admin');
    const signIn = page.getByRole('form', { name: 'Admin sign in' });
    await signIn.getByLabel('Email').fill(TEST_ADMIN.email);
    await signIn.getByLabel('Password').fill(TEST_ADMIN.password);
    await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
    const review = page.locator('article.review').filter({ hasText: 'Lidar car, a GPS mouse and a RINEX file' });
    await review.getByRole('button', { name: 'Show previews of the captures' }).click();
    await countIs(review.locator('section.card.preview[data-ready="true"]'), 4, 60_000);
    const cloud = review.locator(`section.card.preview[data-capture="${ids.get('car6.pcd')}"]`);
    await countIs(cloud.locator('img'), 2);
    const lidar = review.locator(`section.card.preview[data-capture="${ids.get('autzen_trim.laz') ?? ''}"]`);
    await lidar.getByText('110,000 of 110,000 points drawn, coloured by its own colours').waitFor();
    const rinex = review.locator(`section.card.preview[data-capture="${ids.get('demo3.10o')}"]`);
    await rinex.getByRole('columnheader', { name: 'satellites' }).waitFor();
    const nmea = review.locator(`section.card.preview[data-capture="${ids.get('bu353s4.log')}"]`);
    await nmea.locator('figure.plot').first().waitFor();
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'admin-review-previews');
    await shootCards(page, 'review');
    expect(b.pageErrors).toEqual([]);
  });
});
