import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startOnReservedPort } from '../../scripts/demo/service.js';
import { startTestApp, type TestApp } from './test-app.js';
import { testWallet } from './wallet.js';

/** Globals of the page, for callbacks that run in the browser (the Node type library has no DOM). */
declare const window: unknown;

/**
 * Browser tests drive Debian's Chromium (npm's browser download cannot work on these machines) through playwright-core:
 * its headless shell where installed, else the full browser (jest.config.js picks one, or leaves test/browser out
 * saying why, and passes its choice on in CHROMIUM_PATH).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';

/** Screenshots of every page a journey visits, kept as test artifacts. */
export const SCREENSHOT_DIR = resolve('test-artifacts', 'screenshots');

/** The desktop viewport the journeys run in, and the phone width screenshots are taken at too with SCREENSHOT_PHONE=1. */
const DESKTOP = { width: 1280, height: 900 };
const PHONE_WIDTH = 390;
/**
 * Phone-width screenshots cost about a fifth of a browser group's CPU (two re-layouts of the page, its maps redrawn, and a
 * tall full-page capture), so `npm test` takes them only when asked: `SCREENSHOT_PHONE=1 npx jest test/browser/x`.
 * The journeys that must fit a phone assert it at 390 px themselves.
 */
const PHONE_SHOTS = process.env.SCREENSHOT_PHONE === '1';
/**
 * A screenshot shows the viewport where the step left it (the top of a page just opened, or the part a click or a
 * scroll brought into view), as the person at that step sees it. With SCREENSHOT_FULL=1 it shows the whole page: taking
 * one lays the whole page out again at its full height (the dataset page is about 7,200 px), its maps redrawn, and
 * rasters it, which was about 45% of Chromium's CPU in a browser group (browser-buyer: 35 CPU seconds with whole pages,
 * 22 with the viewport, 21 with none).
 */
const FULL_PAGE_SHOTS = process.env.SCREENSHOT_FULL === '1';

/**
 * One headless Chromium for every journey of this module registry (a group of test/groups, or a spec run alone),
 * launched by the first and closed after the last: each journey has its own contexts (own storage) in it, and a launch
 * cost about a CPU second.
 */
let browserLaunch: Promise<Browser> | undefined;
function sharedBrowser(): Promise<Browser> {
  if (browserLaunch) return browserLaunch;
  const launched = chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browserLaunch = launched;
  return launched;
}
// Registered when this module is first imported, at the top level of the file being collected (the group, or the spec
// run alone), so it runs after all of that file's journeys.
afterAll(async () => {
  const launched = browserLaunch;
  browserLaunch = undefined;
  if (launched) await (await launched).close();
});

export interface BrowserApp {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context (its own storage) whose pages fail the test on any page error or console error. */
  newPage(options?: { wallet?: ReturnType<typeof testWallet> }): Promise<Page>;
  /**
   * A fresh page signed in as the sign-in panel would leave it (the session in localStorage), opened at `path` when
   * given (else left on the storefront).
   */
  signedInPage(session: { accessToken: string; user: unknown }, path?: string): Promise<Page>;
  /**
   * Saves a screenshot (the viewport; the whole page with SCREENSHOT_FULL=1) as <SCREENSHOT_DIR>/<journey>/<nn>-<name>.png, and with SCREENSHOT_PHONE=1 the same page
   * 390 px wide (a phone) as <nn>-<name>-390.png; answers the first path.
   */
  screenshot(page: Page, name: string): Promise<string>;
  /** Errors the pages reported (uncaught exceptions, console.error); a journey asserts this stays empty. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * The whole application listening on a real port (PUBLIC_URL = that address, so the URLs the API hands out work in the
 * browser) on a fresh database, and a headless Chromium. `publicHost`: PUBLIC_URL names this host name instead (e.g.
 * localhost) while the pages are opened at 127.0.0.1, as a person who types the other name does.
 */
export async function startBrowserApp(journey: string, env: Record<string, string> = {}, options: { publicHost?: string } = {}): Promise<BrowserApp> {
  const { port, started: t } = await startOnReservedPort(
    (reserved) => startTestApp({ PUBLIC_URL: `http://${options.publicHost ?? '127.0.0.1'}:${String(reserved)}`, ...env }),
    (app) => app.app.getHttpServer(),
  );
  const baseUrl = `http://127.0.0.1:${String(port)}`;
  const browser = await sharedBrowser();
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const dir = join(SCREENSHOT_DIR, journey);
  mkdirSync(dir, { recursive: true });
  let shots = 0;
  const newPage = async (options: { wallet?: ReturnType<typeof testWallet> } = {}): Promise<Page> => {
    const context = await browser.newContext({ baseURL: baseUrl, viewport: DESKTOP });
    contexts.push(context);
    if (options.wallet) await installWallet(context, options.wallet);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      // A failed request (a 4xx the page shows to the user) is logged by Chromium as a console error too: those are expected.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(`${page.url()}: ${message.text()}`);
    });
    return page;
  };
  return {
    t,
    baseUrl,
    browser,
    pageErrors,
    newPage,
    async signedInPage(session, path) {
      const page = await newPage();
      await page.goto('/');
      await page.evaluate(`localStorage.setItem('marketplace.session', ${JSON.stringify(JSON.stringify(session))})`);
      if (path !== undefined) await page.goto(path);
      return page;
    },
    async screenshot(page, name) {
      shots += 1;
      const path = join(dir, `${String(shots).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path, fullPage: FULL_PAGE_SHOTS });
      if (!PHONE_SHOTS) return path;
      const viewport = page.viewportSize() ?? DESKTOP;
      await page.setViewportSize({ width: PHONE_WIDTH, height: viewport.height });
      await page.screenshot({ path: path.replace(/\.png$/, `-${PHONE_WIDTH}.png`), fullPage: FULL_PAGE_SHOTS });
      await page.setViewportSize(viewport);
      return path;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await t.close();
    },
  };
}

/**
 * A Solana wallet in the page, as Phantom injects one (window.solana: connect, signMessage): the key stays in the test
 * process, which signs with real Ed25519 through an exposed binding.
 */
async function installWallet(context: BrowserContext, wallet: ReturnType<typeof testWallet>): Promise<void> {
  await context.exposeBinding('__testWalletSign', (_source, bytes: number[]) => wallet.signRaw(Uint8Array.from(bytes)));
  await context.addInitScript((address: string) => {
    const publicKey = { toString: () => address, toBase58: () => address };
    (window as { solana: unknown }).solana = {
      isPhantom: true,
      publicKey,
      connect: () => Promise.resolve({ publicKey }),
      signMessage: async (message: Uint8Array) => ({
        signature: Uint8Array.from(await (window as { __testWalletSign: (b: number[]) => Promise<number[]> }).__testWalletSign(Array.from(message))),
        publicKey,
      }),
    };
  }, wallet.address);
}

/**
 * Answers the page's GETs of `url` (a Playwright URL pattern) `delayMs` late, as a busy server would, and counts those
 * not yet answered: a page that shows a result "once the list beside it is current" has none on their way by then.
 */
export async function slowGets(page: Page, url: string, delayMs: number): Promise<{ onTheirWay: () => number }> {
  let onTheirWay = 0;
  await page.route(url, async (route) => {
    if (route.request().method() !== 'GET') {
      await route.fallback();
      return;
    }
    onTheirWay += 1;
    try {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await route.fulfill({ response: await route.fetch() });
    } finally {
      onTheirWay -= 1;
    }
  });
  return { onTheirWay: () => onTheirWay };
}

/** Waits until `locator` matches exactly `n` elements (the pages render after their API calls answer). */
export async function countIs(locator: Locator, n: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await locator.count();
    if (count === n) return;
    if (Date.now() > deadline) throw new Error(`expected ${n} matches, found ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * On a dataset page whose slice panel is waiting for a rectangle ("Draw an area on the map" clicked), drags one 24 px
 * wide round the northernmost capture dot of the coverage map (Lake Cerknica in listLakeAndWaikato's dataset).
 */
export async function drawRoundNorthernmostDot(page: Page): Promise<void> {
  const map = page.getByRole('region', { name: 'Coverage map' });
  await map.scrollIntoViewIfNeeded();
  const dots = await Promise.all((await map.locator('path.footprint-dot').all()).map((dot) => dot.boundingBox()));
  const north = dots.filter((box) => box !== null).sort((a, c) => a.y - c.y)[0];
  const x = north.x + north.width / 2;
  const y = north.y + north.height / 2;
  await page.mouse.move(x - 12, y - 12);
  await page.mouse.down();
  await page.mouse.move(x, y, { steps: 4 });
  await page.mouse.move(x + 12, y + 12, { steps: 4 });
  await page.mouse.up();
}
