import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The pages' files: `public/` beside this module. `npm run build` copies them next to the compiled module; running from
 * the sources (tests, ts-node) they are found in src/web/public.
 */
export function webPublicDir(): string {
  const candidates = [join(here, 'public'), join(here, '..', '..', '..', 'src', 'web', 'public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'assets', 'css', 'app.css')));
  if (!found) throw new Error(`the web pages were not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** A library the pages load from node_modules as ES modules: the folder served under `urlPrefix`, and its import-map entries. */
export interface VendorLibrary {
  urlPrefix: string;
  dir: string;
  /** Bare specifier (or specifier prefix ending in /) -> file (or folder) under `urlPrefix`. */
  imports: Record<string, string>;
}

/**
 * Leaflet, SHA-256 (@noble/hashes), base58 (@scure/base) and three.js, served by this app straight from their installed packages:
 * no CDN is reachable (or wanted) from the pages, and nothing is copied into the repository. Each package's files are
 * ES modules that import only each other by relative paths, so the browser loads them as they are. The page scripts
 * import them by their package names, which the import map in every page's head resolves to these folders.
 */
export function vendorLibraries(): VendorLibrary[] {
  return [
    {
      urlPrefix: '/vendor/leaflet/',
      dir: join(dirname(require.resolve('leaflet/package.json')), 'dist'),
      imports: { leaflet: 'leaflet-src.esm.js' },
    },
    // @noble/hashes exports only its modules (no package.json), so its folder is found from one of them.
    { urlPrefix: '/vendor/noble-hashes/', dir: dirname(require.resolve('@noble/hashes/sha2.js')), imports: { '@noble/hashes/': '' } },
    { urlPrefix: '/vendor/scure-base/', dir: dirname(require.resolve('@scure/base')), imports: { '@scure/base': 'index.js' } },
    // three.js for the point cloud viewer of previews: its build and addons are ES modules (the addons import 'three').
    // Its exports hide package.json: the package folder is the one above its build.
    {
      urlPrefix: '/vendor/three/',
      dir: dirname(dirname(require.resolve('three'))),
      imports: { three: 'build/three.module.js', 'three/addons/': 'examples/jsm/' },
    },
  ];
}

let land: string | undefined;
/**
 * The world's land outlines as GeoJSON (Natural Earth 1:110m via world-atlas), the map's base layer: no tile server is
 * reachable offline, and coverage boxes on bare outlines read well. Converted from TopoJSON once, on first use.
 */
export function worldLandGeoJson(): string {
  if (land === undefined) {
    const topology = JSON.parse(readFileSync(require.resolve('world-atlas/land-110m.json'), 'utf8')) as Topology<{ land: GeometryCollection }>;
    land = JSON.stringify(feature(topology, topology.objects.land));
  }
  return land;
}
