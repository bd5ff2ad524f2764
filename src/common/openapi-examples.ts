/**
 * Example values that /docs shows in more than one response: a GoPro track through Munich and an area drawn around
 * it. Only for @ApiProperty examples.
 */
export const EXAMPLE_TRACK = {
  type: 'LineString',
  coordinates: [
    [11.5201, 48.1102],
    [11.5488, 48.1297],
    [11.5763, 48.1372],
    [11.6104, 48.1589],
  ],
};

export const EXAMPLE_AREA = {
  type: 'Polygon',
  coordinates: [
    [
      [11.515, 48.105],
      [11.585, 48.118],
      [11.615, 48.162],
      [11.57, 48.165],
      [11.518, 48.131],
      [11.515, 48.105],
    ],
  ],
};
