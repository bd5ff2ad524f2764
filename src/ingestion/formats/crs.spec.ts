import { boundsRing, epsgEntry, reprojectRectangle, ringBBox, wgs84Transformer, wktText, POINTS_PER_EDGE } from './crs.js';
import { parseWkt } from './wkt.util.js';

/**
 * Expected coordinates come from gdaltransform (GDAL 3.6.2, PROJ 9.1, Debian 12), run with the PROJ string epsg-index
 * gives for each code: `gdaltransform -s_srs "<proj string>" -t_srs EPSG:4326 -output_xy`. (GDAL's own EPSG:2994 ->
 * EPSG:4326 adds a NAD83(HARN) -> WGS 84 shift of about 1 m, which the EPSG PROJ strings leave out with towgs84=0.)
 */

/** Autzen's header bounds (laspy tests/data/autzen_trim.laz) in EPSG:2994 international feet. */
const AUTZEN_MIN: [number, number] = [636001.76, 848935.2000000001];
const AUTZEN_MAX: [number, number] = [637179.2200000001, 849497.9];

const AUTZEN_WKT =
  'PROJCS["NAD_1983_HARN_Lambert_Conformal_Conic",GEOGCS["GCS_North_American_1983_HARN",DATUM["NAD83_High_Accuracy_Regional_Network",SPHEROID["GRS_1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],AUTHORITY["EPSG","6152"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic_2SP"],PARAMETER["standard_parallel_1",43],PARAMETER["standard_parallel_2",45.5],PARAMETER["latitude_of_origin",41.75],PARAMETER["central_meridian",-120.5],PARAMETER["false_easting",1312335.958005249],PARAMETER["false_northing",0],UNIT["foot",0.3048,AUTHORITY["EPSG","9002"]]]';

/** gdaltransform of the four corners, in ring order (minX minY, maxX minY, maxX maxY, minX maxY). */
const AUTZEN_CORNERS = [
  [-123.073380967715, 44.0499007710565],
  [-123.068903781333, 44.0500019262369],
  [-123.068970750502, 44.0515450961584],
  [-123.073448053447, 44.0514439383596],
];

function expectCorners(ring: [number, number][], corners: number[][]): void {
  corners.forEach(([lon, lat], i) => {
    const [x, y] = ring[i * POINTS_PER_EDGE];
    expect(x).toBeCloseTo(lon, 8);
    expect(y).toBeCloseTo(lat, 8);
  });
}

describe('crs', () => {
  it('reads EPSG definitions from the registry package, State Plane included', () => {
    expect(epsgEntry(2994)).toMatchObject({ name: 'NAD83(HARN) / Oregon GIC Lambert (ft)', unit: 'foot' });
    expect(epsgEntry(2286)?.proj4).toContain('+units=us-ft');
    expect(epsgEntry(9_999)).toBeNull();
    expect(epsgEntry(-1)).toBeNull();
  });

  it("puts autzen's bounds in Eugene, Oregon, from EPSG:2994 (international feet) and from its own WKT alike", () => {
    for (const source of [{ epsg: 2994 }, { wkt: AUTZEN_WKT }]) {
      const resolved = wgs84Transformer(source);
      if (!resolved.transformer) throw new Error(resolved.reason);
      const result = reprojectRectangle(resolved.transformer, AUTZEN_MIN, AUTZEN_MAX);
      if (!result.ring) throw new Error(result.reason);
      expect(result.ring).toHaveLength(4 * POINTS_PER_EDGE + 1);
      expect(result.ring.at(-1)).toEqual(result.ring[0]);
      expectCorners(result.ring, AUTZEN_CORNERS);
    }
  });

  it('converts US survey feet as US survey feet (EPSG:2286, NAD83 / Washington South (ftUS))', () => {
    const ring = boundsRing({ epsg: 2286 }, [1640416.67, 400000], [1650416.67, 410000]);
    if (!ring.ring) throw new Error(ring.reason);
    expectCorners(ring.ring, [
      [-120.499999988102, 46.4302365800714],
      [-120.460340519997, 46.4302296860642],
      [-120.460320569076, 46.4576519341298],
      [-120.499999988096, 46.4576588315799],
    ]);
    // Read as international feet the same easting lands 0.0000130 degrees (about 1 m) further west: the units matter.
    expect(ring.ring[0][0]).not.toBeCloseTo(-120.500012999713, 6);
    expect(ring.warnings).toEqual([]);
  });

  it('reads the horizontal part of a compound WKT CRS', () => {
    const compound = `COMPD_CS["Oregon GIC + NAVD88",${AUTZEN_WKT},VERT_CS["NAVD88 height",VERT_DATUM["North American Vertical Datum 1988",2005],UNIT["metre",1]]]`;
    const ring = boundsRing({ wkt: compound }, AUTZEN_MIN, AUTZEN_MAX);
    if (!ring.ring) throw new Error(ring.reason);
    expectCorners(ring.ring, AUTZEN_CORNERS);
    expect(ring.crsLabel).toBe('WKT "NAD_1983_HARN_Lambert_Conformal_Conic"');
  });

  it('writes a parsed WKT back so that it parses to the same tree', () => {
    const tree = parseWkt(AUTZEN_WKT);
    if (!tree) throw new Error('the autzen WKT does not parse');
    expect(parseWkt(wktText(tree))).toEqual(tree);
  });

  it('gives a reason instead of a ring for codes the registry lacks, CRSs without a horizontal position and no CRS', () => {
    expect(boundsRing({ epsg: 9_999 }, [0, 0], [1, 1])).toEqual({
      ring: null,
      reason: 'EPSG:9999 is not in the EPSG registry this service ships (epsg-index)',
    });
    expect(boundsRing({ epsg: 6360 }, [0, 0], [1, 1])).toEqual({
      ring: null,
      reason: 'EPSG:6360 (NAVD88 height (ftUS)) is a vertical CRS, with no horizontal position to map',
    });
    expect(boundsRing({ wkt: 'VERT_CS["NAVD88 height",VERT_DATUM["NAVD88",2005],UNIT["metre",1]]' }, [0, 0], [1, 1])).toEqual({
      ring: null,
      reason: 'the CRS WKT (VERT_CS) has no horizontal coordinate system',
    });
    expect(boundsRing({ wkt: 'PROJCS["broken"' }, [0, 0], [1, 1])).toEqual({ ring: null, reason: 'the CRS WKT cannot be parsed' });
    expect(boundsRing({}, [0, 0], [1, 1])).toEqual({ ring: null, reason: 'the file names no coordinate reference system' });
  });

  it('refuses bounds outside the projection, and warns when they reproject outside the CRS area of use', () => {
    const wild = boundsRing({ epsg: 2994 }, [0, 0], [1e12, 1e12]);
    expect(wild.ring).toBeNull();
    // UTM zone 19N coordinates labelled as UTM zone 33N land in Chad, inside zone 33N's area of use: nothing to see.
    const wrongZone = boundsRing({ epsg: 32633 }, [768321.06, 2028734.533], [768376.937, 2028768.078]);
    if (!wrongZone.ring) throw new Error(wrongZone.reason);
    expect(wrongZone.warnings).toEqual([]);
    // Labelled as Oregon feet, the same numbers land far out in the Pacific.
    const farOff = boundsRing({ epsg: 2994 }, [768321.06, 2028734.533], [768376.937, 2028768.078]);
    if (!farOff.ring) throw new Error(farOff.reason);
    expect(farOff.warnings).toHaveLength(1);
    expect(farOff.warnings[0]).toMatch(/outside the area of use of EPSG:2994 \(NAD83\(HARN\) \/ Oregon GIC Lambert \(ft\)\)/);
  });

  it('passes WGS84 lon/lat through unchanged and boxes a ring', () => {
    const ring = boundsRing({ epsg: 4326 }, [2.29, 48.85], [2.3, 48.86]);
    if (!ring.ring) throw new Error(ring.reason);
    expect(ringBBox(ring.ring)).toEqual([2.29, 48.85, 2.3, 48.86]);
  });
});
