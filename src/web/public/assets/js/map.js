// Coverage maps: Leaflet over the world's land outlines (served by this app; no tile server), one box per dataset.
import * as L from '/vendor/leaflet/leaflet-src.esm.js';

let landPromise;
const land = () =>
  (landPromise ??= fetch('/maps/land.geojson')
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null));

/**
 * Draws a map in `container`. `boxes` = [{id, label, bbox: [minLon, minLat, maxLon, maxLat], href?}]. Answers the
 * Leaflet map plus `show(boxes)` to redraw the boxes and fit them, and `onDraw` for reading the viewport as a bbox.
 */
export function coverageMap(container, boxes = [], { onSelect } = {}) {
  const map = L.map(container, { worldCopyJump: true, attributionControl: true, zoomSnap: 0.25 }).setView([30, 0], 1);
  map.attributionControl.setPrefix(false).addAttribution('Land outlines: Natural Earth');
  land().then((geojson) => {
    if (geojson)
      L.geoJSON(geojson, { interactive: false, style: { color: '#8aa0b6', weight: 1, fillColor: '#f4f1e8', fillOpacity: 1 } })
        .addTo(map)
        .bringToBack();
  });
  const layer = L.featureGroup().addTo(map);
  const show = (items) => {
    layer.clearLayers();
    for (const item of items) {
      if (!item.bbox) continue;
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
      rect.bindTooltip(item.label ?? item.id);
      if (onSelect) rect.on('click', () => onSelect(item));
      rect.addTo(layer);
    }
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
  };
  show(boxes);
  /** The visible area as minLon,minLat,maxLon,maxLat (clamped to the world), for "search this area". */
  const viewportBbox = () => {
    const b = map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
      .map((v) => v.toFixed(4))
      .join(',');
  };
  return { map, show, viewportBbox };
}
