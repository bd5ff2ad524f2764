// Coverage maps: Leaflet over the world's land outlines (served by this app; no tile server). Datasets are drawn by
// their real footprints (tracks, points, areas, or the outline of the H3 cells they touch), never by one box.
import * as L from 'leaflet';
import { h } from './ui.js';
/** @import { GeoJsonObject } from 'geojson' */
/** @import { CatalogCoverage } from '../../types/api' */

/**
 * @typedef {{ id: string, label: string | Node, geojson: GeoJsonObject, color?: string }} CoverageShape
 */

/** Colours for captures on one map, told apart by hue and lightness (readable on the pale land fill). */
export const PALETTE = ['#0b5cad', '#c2410c', '#15803d', '#7e22ce', '#be123c', '#0e7490', '#a16207', '#4338ca'];

/**
 * One point per part of a GeoJSON geometry or feature (each polygon of a MultiPolygon, each line of a MultiLineString,
 * a point itself): the centre of a polygon's outer ring's bounds, a line's middle vertex.
 * @param {GeoJsonObject} geojson
 * @returns {[number, number][]} [lat, lon] pairs
 */
export function partCentres(geojson) {
  /** @type {{ type: string, coordinates?: unknown, geometry?: { type: string, coordinates: unknown } }} */
  const object = /** @type {never} */ (geojson);
  const geometry = object.type === 'Feature' ? object.geometry : object;
  if (!geometry) return [];
  /** @param {number[][]} ring @returns {[number, number]} */
  const ringCentre = (ring) => {
    const lons = ring.map((p) => p[0]);
    const lats = ring.map((p) => p[1]);
    return [(Math.min(...lats) + Math.max(...lats)) / 2, (Math.min(...lons) + Math.max(...lons)) / 2];
  };
  /** @param {number[][]} line @returns {[number, number]} */
  const lineMiddle = (line) => {
    const p = line[Math.floor(line.length / 2)];
    return [p[1], p[0]];
  };
  const c = /** @type {never} */ (geometry.coordinates);
  switch (geometry.type) {
    case 'Point':
      return [[/** @type {number[]} */ (c)[1], /** @type {number[]} */ (c)[0]]];
    case 'LineString':
      return [lineMiddle(c)];
    case 'MultiLineString':
      return /** @type {number[][][]} */ (c).map(lineMiddle);
    case 'Polygon':
      return [ringCentre(/** @type {number[][][]} */ (c)[0])];
    case 'MultiPolygon':
      return /** @type {number[][][][]} */ (c).map((polygon) => ringCentre(polygon[0]));
    default:
      return [];
  }
}

/** @type {Promise<GeoJsonObject | null> | undefined} */
let landPromise;
const land = () =>
  (landPromise ??= fetch('/maps/land.geojson')
    .then((r) => (r.ok ? /** @type {Promise<GeoJsonObject>} */ (r.json()) : null))
    .catch(() => null));

/**
 * Draws a map in `container`. Answers the Leaflet map, `show(shapes, { fit })` to redraw the shapes (and fit the view
 * to them unless fit is false: a search of the map's own area keeps the view), `showArea(bbox)` to show an area, `showCatalog(coverage)` for the
 * catalogue's coverage cells underneath, and `viewportBbox()` for the view as a search area.
 * @param {HTMLElement} container
 * @param {readonly CoverageShape[]} shapes
 * @param {{ onSelect?: (shape: CoverageShape) => void }} [options]
 */
export function coverageMap(container, shapes, { onSelect } = {}) {
  const map = L.map(container, { worldCopyJump: true, attributionControl: true, zoomSnap: 0.25 }).setView([30, 0], 1);
  map.attributionControl.setPrefix(false).addAttribution('Land outlines: Natural Earth');
  void land().then((geojson) => {
    if (geojson)
      L.geoJSON(geojson, { interactive: false, style: { color: '#8aa0b6', weight: 1, fillColor: '#f4f1e8', fillOpacity: 1 } })
        .addTo(map)
        .bringToBack();
  });
  const catalogLayer = L.featureGroup().addTo(map);
  const layer = L.featureGroup().addTo(map);
  /**
   * @param {readonly CoverageShape[]} items
   * @param {{ fit?: boolean }} [how]
   */
  const show = (items, { fit = true } = {}) => {
    layer.clearLayers();
    for (const item of items) {
      const color = item.color ?? PALETTE[0];
      const shape = L.geoJSON(item.geojson, {
        style: { color, weight: 3, opacity: 0.9, fillColor: color, fillOpacity: 0.2, className: 'footprint' },
        pointToLayer: (_feature, latlng) => L.circleMarker(latlng, { radius: 6, color, weight: 2, fillOpacity: 0.6, className: 'footprint' }),
      });
      // A track or a few cells are smaller than a pixel on a world map: each part also gets a dot of fixed size.
      const dots = partCentres(item.geojson).map((latlng) =>
        L.circleMarker(latlng, { radius: 5, color, weight: 2, fillColor: color, fillOpacity: 0.7, className: 'footprint-dot' }),
      );
      for (const part of [shape, ...dots]) {
        // Leaflet puts a string tooltip in as HTML: the label (a dataset title anyone may write) goes in as a text node.
        part.bindTooltip(typeof item.label === 'string' ? h('span', {}, item.label) : /** @type {HTMLElement} */ (item.label), { sticky: true });
        if (onSelect)
          part.on('click', () => {
            onSelect(item);
          });
        part.addTo(layer);
      }
    }
    const bounds = layer.getBounds();
    if (fit && bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
  };
  /** @param {CatalogCoverage | null} coverage */
  const showCatalog = (coverage) => {
    catalogLayer.clearLayers();
    if (!coverage) return;
    const most = Math.max(1, ...coverage.features.map((f) => f.properties.datasets));
    for (const feature of coverage.features) {
      const weight = Math.log1p(feature.properties.datasets) / Math.log1p(most);
      L.geoJSON(/** @type {GeoJsonObject} */ (/** @type {unknown} */ (feature)), {
        interactive: true,
        style: { color: '#b45309', weight: 0.5, fillColor: '#f59e0b', fillOpacity: 0.15 + 0.45 * weight, className: 'coverage-cell' },
      })
        .bindTooltip(
          h(
            'span',
            {},
            `${feature.properties.datasets} dataset${feature.properties.datasets === 1 ? '' : 's'}: ${feature.properties.modalities.join(', ')}`,
          ),
        )
        .addTo(catalogLayer);
    }
  };
  show(shapes);
  /** @param {[number, number, number, number]} bbox minLon, minLat, maxLon, maxLat */
  const showArea = ([w, s, e, n]) => {
    map.fitBounds(
      [
        [s, w],
        [n, e],
      ],
      { padding: [8, 8] },
    );
  };
  /** The visible area as minLon,minLat,maxLon,maxLat for "search this area" (see unwrappedBbox). */
  const viewportBbox = () =>
    unwrappedBbox(map.getBounds())
      .map((v) => v.toFixed(4))
      .join(',');
  return { map, show, showArea, showCatalog, viewportBbox };
}

/**
 * Leaflet bounds as minLon, minLat, maxLon, maxLat within -180..180 and -90..90: longitudes unwrapped from Leaflet's
 * world copies (a box across the antimeridian keeps the side with more of it; one wider than the world is all of it).
 * @param {import('leaflet').LatLngBounds} b
 * @returns {[number, number, number, number]}
 */
function unwrappedBbox(b) {
  const south = Math.max(-90, b.getSouth());
  const north = Math.min(90, b.getNorth());
  let west = b.getWest();
  let east = b.getEast();
  if (east - west >= 360) {
    west = -180;
    east = 180;
  } else {
    const shift = Math.floor((west + 180) / 360) * 360;
    west -= shift;
    east -= shift;
    if (east > 180) {
      if (180 - west >= east - 180) east = 180;
      else {
        west = -180;
        east -= 360;
      }
    }
  }
  return [west, south, east, north];
}

/**
 * Drawing a rectangle on a map, for a slice (issue 13): `start(onDrawn)` turns the next press-drag-release on the map
 * into a rectangle (map dragging is off meanwhile; Escape cancels), answered as unwrappedBbox gives it;
 * `showSlice(geojson)` draws a quote's captures over it; `clear()`.
 * @param {import('leaflet').Map} map
 */
export function areaDrawer(map) {
  const layer = L.featureGroup().addTo(map);
  /** @type {import('leaflet').Rectangle | null} */
  let rectangle = null;
  /** @type {import('leaflet').FeatureGroup | null} */
  let slice = null;
  const container = map.getContainer();
  /** @param {(bbox: [number, number, number, number]) => void} onDrawn */
  const start = (onDrawn) => {
    map.dragging.disable();
    container.classList.add('drawing');
    /** @type {import('leaflet').LatLng | null} */
    let from = null;
    /** @param {import('leaflet').LeafletMouseEvent} event */
    const down = (event) => {
      from = event.latlng;
      rectangle?.remove();
      rectangle = L.rectangle(L.latLngBounds(from, from), {
        color: '#111827',
        weight: 2,
        dashArray: '6 4',
        fillOpacity: 0.05,
        className: 'slice-area',
      }).addTo(layer);
    };
    /** @param {import('leaflet').LeafletMouseEvent} event */
    const move = (event) => {
      if (from && rectangle) rectangle.setBounds(L.latLngBounds(from, event.latlng));
    };
    const stop = () => {
      map.off('mousedown', down).off('mousemove', move).off('mouseup', up);
      document.removeEventListener('keydown', escape);
      map.dragging.enable();
      container.classList.remove('drawing');
    };
    /** @param {import('leaflet').LeafletMouseEvent} event */
    const up = (event) => {
      if (!from) return;
      const bounds = L.latLngBounds(from, event.latlng);
      stop();
      onDrawn(unwrappedBbox(bounds));
    };
    /** @param {KeyboardEvent} event */
    const escape = (event) => {
      if (event.key === 'Escape') {
        rectangle?.remove();
        rectangle = null;
        stop();
      }
    };
    map.on('mousedown', down).on('mousemove', move).on('mouseup', up);
    document.addEventListener('keydown', escape);
  };
  /** @param {GeoJsonObject | null} geojson */
  const showSlice = (geojson) => {
    slice?.remove();
    slice = geojson
      ? L.geoJSON(geojson, { style: { color: '#111827', weight: 5, opacity: 0.9, className: 'slice-capture' }, interactive: false }).addTo(layer)
      : null;
    // Show what the quote buys: the view moves to its captures (a slice is often a few km inside a world-wide view).
    const bounds = slice?.getBounds();
    if (bounds?.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
  };
  const clear = () => {
    layer.clearLayers();
    rectangle = null;
    slice = null;
  };
  return { start, showSlice, clear };
}
