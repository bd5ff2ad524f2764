import { createHash } from 'node:crypto';
import { PASSWORD_MIN_LENGTH } from '../common/password-rule.js';
import { vendorLibraries } from './web-assets.js';

/** One page: its heading (also the document title until the script knows a better one), its script and whether it draws maps. */
export interface PageSpec {
  heading: string;
  /** The page's ES module under /assets/js/. */
  script: string;
  /** Loads Leaflet's stylesheet. */
  map?: boolean;
}

export const PAGES = {
  storefront: { heading: 'Datasets for physical AI', script: 'storefront.js', map: true },
  dataset: { heading: 'Dataset', script: 'dataset.js', map: true },
  order: { heading: 'Order', script: 'order.js' },
  receipt: { heading: 'Receipt', script: 'receipt.js' },
  account: { heading: 'Your account', script: 'account.js' },
  cart: { heading: 'Your cart', script: 'cart.js' },
  contribute: { heading: 'Contributor dashboard', script: 'contribute.js' },
  admin: { heading: 'Admin console', script: 'admin.js' },
} as const satisfies Record<string, PageSpec>;

export type PageName = keyof typeof PAGES;

const SITE = 'DePAI data marketplace';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The import map every page carries: the vendor libraries' package names -> the URLs this app serves them at. */
function importMapText(): string {
  const imports: Record<string, string> = {};
  for (const library of vendorLibraries()) {
    for (const [specifier, file] of Object.entries(library.imports)) imports[specifier] = `${library.urlPrefix}${file}`;
  }
  return JSON.stringify({ imports });
}

/**
 * The script sources the pages need in the Content-Security-Policy: this origin, and the inline import map by its
 * SHA-256 (a browser applies script-src to import maps; a hash admits exactly this one and no other inline script).
 */
export function pageScriptSources(): string[] {
  return ["'self'", `'sha256-${createHash('sha256').update(importMapText()).digest('base64')}'`];
}

/**
 * What the pages' scripts read from their own document (api.js's pageSetting) rather than repeat: the origin the API
 * builds its links on (PUBLIC_URL: the page maps such links onto the origin it was opened at, so an upload works from
 * any host name that reaches the app), and the password rule.
 */
function pageSettings(publicOrigin: string): Record<string, string> {
  return { 'public-origin': publicOrigin, 'password-min-length': String(PASSWORD_MIN_LENGTH) };
}

/** The document every page and error page shares: one head, one site header and footer; `head` and `main` are HTML. */
function layout(heading: string, head: string[], main: string): string {
  const title = escapeHtml(heading);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · ${SITE}</title>
${head.map((line) => `    ${line}`).join('\n')}
  </head>
  <body>
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="site-header">
      <a class="brand" href="/">${SITE}</a>
      <nav class="site-nav" aria-label="Main">
        <a href="/">Datasets</a>
        <a href="/contribute">Contribute</a>
        <a href="/cart" id="cart-link">Cart</a>
        <a href="/account">Account</a>
        <a href="/admin">Admin</a>
      </nav>
      <div id="session-status" class="session-status" aria-live="polite"></div>
    </header>
    <main id="main" tabindex="-1">
      <h1>${title}</h1>
      ${main}
    </main>
    <footer class="site-footer">
      <p>
        Every dataset version has a Merkle root anchored on Solana; every sale's split is recorded on-chain. <a href="/docs">API documentation</a>
      </p>
    </footer>
  </body>
</html>
`;
}

/**
 * A JSON-LD data block for the head (as dataset pages carry their Croissant description for search engines). `<` is
 * escaped inside the JSON, so no text in it can close the script element; browsers never run a data block, so the
 * Content-Security-Policy needs nothing for it.
 */
export function jsonLdScript(document: object): string {
  return `<script type="application/ld+json">${JSON.stringify(document).replace(/</g, '\\u003c')}</script>`;
}

/**
 * The whole HTML document of a page: the shared layout, the page's settings, styles and script; the script fills #app.
 * `extraHead` lines (already HTML) go at the end of the head.
 */
export function renderPage(page: PageSpec, publicOrigin: string, extraHead: string[] = []): string {
  const settings = Object.entries(pageSettings(publicOrigin)).map(
    ([name, value]) => `<meta name="marketplace:${name}" content="${escapeHtml(value)}" />`,
  );
  const stylesheets = [...(page.map ? ['/vendor/leaflet/leaflet.css'] : []), '/assets/css/app.css'];
  return layout(
    page.heading,
    [
      ...settings,
      ...stylesheets.map((href) => `<link rel="stylesheet" href="${href}" />`),
      `<script type="importmap">${importMapText()}</script>`,
      `<script type="module" src="/assets/js/${escapeHtml(page.script)}"></script>`,
      ...extraHead,
    ],
    '<div id="app"><p class="status" role="status">Loading…</p></div>',
  );
}

/** An error answered to a browser asking for a page (see AllExceptionsFilter): the status and why, in the site's layout, no script. */
export function renderErrorPage(error: { statusCode: number; error: string; message: string }): string {
  const main = `<div class="card error-page">
        <p class="error" role="alert">${escapeHtml(error.message)}</p>
        <p class="hint">HTTP ${String(error.statusCode)} ${escapeHtml(error.error)}. <a href="/">Back to the datasets</a></p>
      </div>`;
  return layout(error.statusCode === 404 ? 'Page not found' : error.error, ['<link rel="stylesheet" href="/assets/css/app.css" />'], main);
}
