// Coverage maps: Leaflet over the world's land outlines (served by this app; no tile server), one box per dataset.
import * as L from 'leaflet';
import { h } from './ui.js';
/** @import { GeoJsonObject } from 'geojson' */
/** @import { BBox } from '../../types/api' */

/** @typedef {{ id: string, label: string, bbox: BBox }} CoverageBox */

/** @type {Promise<GeoJsonObject | null> | undefined} */
let landPromise;
const land = () =>
  (landPromise ??= fetch('/maps/land.geojson')
    .then((r) => (r.ok ? /** @type {Promise<GeoJsonObject>} */ (r.json()) : null))
    .catch(() => null));

/**
 * Draws a map in `container`. Answers the Leaflet map, `show(boxes)` to redraw the boxes and fit them, and
 * `viewportBbox()` for reading the viewport as a bbox.
 * @param {HTMLElement} container
 * @param {readonly CoverageBox[]} boxes
 * @param {{ onSelect?: (box: CoverageBox) => void }} [options]
 */
export function coverageMap(container, boxes, { onSelect } = {}) {
  const map = L.map(container, { worldCopyJump: true, attributionControl: true, zoomSnap: 0.25 }).setView([30, 0], 1);
  map.attributionControl.setPrefix(false).addAttribution('Land outlines: Natural Earth');
  void land().then((geojson) => {
    if (geojson)
      L.geoJSON(geojson, { interactive: false, style: { color: '#8aa0b6', weight: 1, fillColor: '#f4f1e8', fillOpacity: 1 } })
        .addTo(map)
        .bringToBack();
  });
  const layer = L.featureGroup().addTo(map);
  /** @param {readonly CoverageBox[]} items */
  const show = (items) => {
    layer.clearLayers();
    for (const item of items) {
      const [minLon, minLat, maxLon, maxLat] = item.bbox;
      // A capture at one point has a zero-size box: pad it so it stays visible and clickable.
      const pad = maxLon - minLon < 0.01 && maxLat - minLat < 0.01 ? 0.02 : 0;
      const rect = L.rectangle(
        [
          [minLat - pad, minLon - pad],
          [maxLat + pad, maxLon + pad],
        ],
        { color: '#0b5cad', weight: 2, fillOpacity: 0.15 },
      );
      // Leaflet puts a string tooltip in as HTML: the label (a dataset title anyone may write) goes in as a text node.
      rect.bindTooltip(h('span', {}, item.label));
      if (onSelect)
        rect.on('click', () => {
          onSelect(item);
        });
      rect.addTo(layer);
    }
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
  };
  show(boxes);
  /** The visible area as minLon,minLat,maxLon,maxLat (clamped to the world), for "search this area". */
  const viewportBbox = () => {
    const b = map.getBounds();
    /** @type {(v: number, lo: number, hi: number) => number} */
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
      .map((v) => v.toFixed(4))
      .join(',');
  };
  return { map, show, viewportBbox };
}
