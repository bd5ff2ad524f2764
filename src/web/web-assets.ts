import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The pages' files: `public/` beside this module. `npm run build` copies them next to the compiled module; running from
 * the sources (tests, ts-node) they are found in src/web/public.
 */
export function webPublicDir(): string {
  const candidates = [join(here, 'public'), join(here, '..', '..', '..', 'src', 'web', 'public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`the web pages were not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** Leaflet's distributed files from node_modules, served locally: no CDN is reachable (or wanted) from the pages. */
export function leafletDistDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');
}

let land: string | undefined;
/**
 * The world's land outlines as GeoJSON (Natural Earth 1:110m via world-atlas), the map's base layer: no tile server is
 * reachable offline, and coverage boxes on bare outlines read well. Converted from TopoJSON once, on first use.
 */
export function worldLandGeoJson(): string {
  if (land === undefined) {
    const require = createRequire(import.meta.url);
    const topology = JSON.parse(readFileSync(require.resolve('world-atlas/land-110m.json'), 'utf8')) as Topology<{ land: GeometryCollection }>;
    land = JSON.stringify(feature(topology, topology.objects.land));
  }
  return land;
}
