/** The box [minLon, minLat, maxLon, maxLat] as a GeoJSON Polygon: one counter-clockwise ring, closed on its first corner. */
export function bboxPolygon([w, s, e, n]: readonly [number, number, number, number]): { type: 'Polygon'; coordinates: [number, number][][] } {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
}
