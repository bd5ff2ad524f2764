import { cellToChildren, cellToParent, latLngToCell } from 'h3-js';

import { AreaError, areaFromBBox, areaFromCells, areaFromGeoJson, descendantRange, h3ToBigint, res8Range } from './search-area.js';
import { sphericalAreaKm2 } from '../ingestion/footprints/geodesy.js';
import { bboxPolygon } from '../common/bbox-polygon.js';

/** Whether a res-8 cell falls in one of the area's ranges (what the SQL's BETWEEN does). */
const inArea = (area: { lo: string[]; hi: string[] }, cell: string) => {
  const id = BigInt(h3ToBigint(cell));
  return area.lo.some((lo, i) => BigInt(lo) <= id && id <= BigInt(area.hi[i]));
};

const square = (w: number, s: number, e: number, n: number) => bboxPolygon([w, s, e, n]);

describe('search areas', () => {
  it("turns a coarse cell into exactly its res-8 descendants' range", () => {
    const res5 = latLngToCell(45.78, 14.36, 5);
    const [lo, hi] = res8Range(res5);
    const children = cellToChildren(res5, 8).map((c) => BigInt(h3ToBigint(c)));
    expect(children.every((c) => lo <= c && c <= hi)).toBe(true);
    // Neighbours' descendants fall outside.
    const outside = cellToChildren(cellToParent(latLngToCell(46.5, 15.5, 8), 5), 8).map((c) => BigInt(h3ToBigint(c)));
    expect(outside.some((c) => lo <= c && c <= hi)).toBe(false);
  });

  it('covers a bbox at res 8 when small, and finds a cell inside it but not one outside', () => {
    // Lake Cerknica, Slovenia.
    const area = areaFromBBox([14.33, 45.72, 14.45, 45.8]);
    expect(area.res).toBe(8);
    expect(inArea(area, latLngToCell(45.76, 14.38, 8))).toBe(true);
    expect(inArea(area, latLngToCell(45.9, 14.38, 8))).toBe(false);
    // The mid-Atlantic box from the issue contains no Slovenian cell.
    const atlantic = areaFromBBox([-40, 30, -30, 40]);
    expect(inArea(atlantic, latLngToCell(45.76, 14.38, 8))).toBe(false);
    expect(inArea(atlantic, latLngToCell(35, -35, 8))).toBe(true);
  });

  it('covers large areas at a coarser resolution so the cover stays small', () => {
    const area = areaFromGeoJson(square(-10, 35, 30, 60)); // most of Europe
    expect(area.res).toBeLessThan(6);
    expect(area.lo.length).toBeLessThan(5_000);
    expect(inArea(area, latLngToCell(48.14, 11.58, 8))).toBe(true);
  });

  it('accepts H3 cells of any resolution', () => {
    const munich = latLngToCell(48.14, 11.58, 8);
    expect(inArea(areaFromCells([cellToParent(munich, 4)]), munich)).toBe(true);
    expect(inArea(areaFromCells([latLngToCell(48.14, 11.58, 11)]), munich)).toBe(true);
    expect(() => areaFromCells(['zz'])).toThrow(AreaError);
    expect(() => areaFromCells([])).toThrow(AreaError);
  });

  it('refuses polygons that are invalid, self-intersecting, open, antimeridian-crossing or larger than a continent', () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    expect(() => areaFromGeoJson(bowtie)).toThrow('ring 0 intersects itself');
    expect(() =>
      areaFromGeoJson({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      }),
    ).toThrow(/not closed/);
    expect(() =>
      areaFromGeoJson({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
          'x',
        ],
      }),
    ).toThrow(AreaError);
    expect(() =>
      areaFromGeoJson({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 'a'],
            [0, 0],
          ],
        ],
      }),
    ).toThrow(/numbers/);
    expect(() => areaFromGeoJson(square(170, 0, -170, 10))).toThrow(/antimeridian/);
    expect(() => areaFromGeoJson(square(-100, -60, 60, 70))).toThrow(/more than a continent/);
    expect(() => areaFromGeoJson(square(0, 0, 0, 0))).toThrow(AreaError);
    expect(() => areaFromGeoJson(null)).toThrow(AreaError);
    expect(() => areaFromGeoJson({ type: 'GeometryCollection' })).toThrow(/Polygon or MultiPolygon/);
  });

  it('measures areas on the sphere', () => {
    // One degree square at the equator: ~12,364 km2 on the authalic sphere.
    expect(sphericalAreaKm2(square(0, 0, 1, 1).coordinates[0])).toBeCloseTo(12364, -1);
  });
});

describe('descendant ranges at any resolution', () => {
  it('holds exactly the res-7 descendants of a res-4 cell', () => {
    const res4 = latLngToCell(44.05, -123.07, 4);
    const [lo, hi] = descendantRange(res4, 7);
    for (const child of cellToChildren(res4, 7)) {
      const id = BigInt(h3ToBigint(child));
      expect(lo <= id && id <= hi).toBe(true);
    }
    const neighbour = latLngToCell(44.05, -121.5, 7);
    const id = BigInt(h3ToBigint(neighbour));
    expect(cellToParent(neighbour, 4) === res4 || !(lo <= id && id <= hi)).toBe(true);
  });
});
