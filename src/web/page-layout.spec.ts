import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PAGES, jsonLdScript, pageScriptSources, renderPage } from './page-layout.js';
import { vendorLibraries, webPublicDir } from './web-assets.js';
import { PASSWORD_MIN_LENGTH } from '../common/password-rule.js';

const ORIGIN = 'https://market.example';

const importMapOf = (html: string) => {
  const match = /<script type="importmap">(.*?)<\/script>/s.exec(html);
  if (!match) throw new Error('no import map in the page');
  return { text: match[1], map: JSON.parse(match[1]) as { imports: Record<string, string> } };
};

describe('page layout', () => {
  it('renders every page from one layout: one head, one site header, its heading and its own script', () => {
    for (const page of Object.values(PAGES)) {
      const html = renderPage(page, ORIGIN);
      expect(html.match(/<head>/g)).toHaveLength(1);
      expect(html.match(/<header class="site-header">/g)).toHaveLength(1);
      expect(html).toContain(`<title>${page.heading} · DePAI data marketplace</title>`);
      expect(html).toContain(`<h1>${page.heading}</h1>`);
      expect(html).toContain(`<script type="module" src="/assets/js/${page.script}"></script>`);
      expect(html.includes('/vendor/leaflet/leaflet.css')).toBe('map' in page);
      expect(existsSync(join(webPublicDir(), 'assets', 'js', page.script))).toBe(true);
    }
  });

  it("hands the scripts the API's public origin and the one password rule in meta tags", () => {
    const html = renderPage(PAGES.contribute, 'http://localhost:3000');
    expect(html).toContain('<meta name="marketplace:public-origin" content="http://localhost:3000" />');
    expect(html).toContain(`<meta name="marketplace:password-min-length" content="${PASSWORD_MIN_LENGTH}" />`);
  });

  it('embeds JSON-LD as a data block that no text inside can close', () => {
    const doc = { name: 'Drives </script><script>alert(1)</script> & <!-- more', n: 1 };
    const html = renderPage(PAGES.dataset, ORIGIN, [jsonLdScript(doc)]);
    const blocks = [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)];
    expect(blocks).toHaveLength(1);
    expect(JSON.parse(blocks[0][1])).toEqual(doc);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<!--');
  });

  it('escapes the heading', () => {
    const html = renderPage({ heading: 'A <b>"bold"</b> & bare', script: 'x.js' }, ORIGIN);
    expect(html).toContain('<h1>A &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; bare</h1>');
    expect(html).not.toContain('<b>');
  });

  it('maps the libraries the page scripts import by name to files this app serves', () => {
    const { map } = importMapOf(renderPage(PAGES.storefront, ORIGIN));
    expect(map.imports).toEqual({
      leaflet: '/vendor/leaflet/leaflet-src.esm.js',
      '@noble/hashes/': '/vendor/noble-hashes/',
      '@scure/base': '/vendor/scure-base/index.js',
      three: '/vendor/three/build/three.module.js',
      'three/addons/': '/vendor/three/examples/jsm/',
    });
    const served = (url: string) => {
      const library = vendorLibraries().find((l) => url.startsWith(l.urlPrefix));
      return library ? join(library.dir, url.slice(library.urlPrefix.length)) : null;
    };
    for (const file of [
      '/vendor/leaflet/leaflet-src.esm.js',
      '/vendor/noble-hashes/sha2.js',
      '/vendor/noble-hashes/utils.js',
      '/vendor/scure-base/index.js',
      '/vendor/three/build/three.module.js',
      '/vendor/three/build/three.core.js',
      '/vendor/three/examples/jsm/controls/OrbitControls.js',
    ]) {
      const path = served(file);
      expect(path && existsSync(path)).toBe(true);
    }
  });

  it('admits the import map in the Content-Security-Policy by its hash, and no other inline script', () => {
    const { text } = importMapOf(renderPage(PAGES.dataset, ORIGIN));
    expect(pageScriptSources()).toEqual(["'self'", `'sha256-${createHash('sha256').update(text).digest('base64')}'`]);
  });
});
