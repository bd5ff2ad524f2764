/** A GeoJSON Polygon of the box [minLon, minLat, maxLon, maxLat]: its ring runs counter-clockwise and closes on its first corner. */
export function boxPolygon([w, s, e, n]: readonly number[]): { type: 'Polygon'; coordinates: number[][][] } {
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
