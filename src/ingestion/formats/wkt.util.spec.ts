import { describeWkt, parseWkt } from './wkt.util.js';

describe('describeWkt', () => {
  it('takes the EPSG code of the CRS itself, not the last AUTHORITY in the text', () => {
    const wkt =
      'PROJCS["NAD83 / Oregon GIC Lambert (ft)",GEOGCS["NAD83",AUTHORITY["EPSG","4269"]],UNIT["foot",0.3048,AUTHORITY["EPSG","9002"]],AUTHORITY["EPSG","2992"]]';
    expect(describeWkt(wkt)).toEqual({ kind: 'projected', name: 'NAD83 / Oregon GIC Lambert (ft)', epsg: 2992 });
    expect(describeWkt('PROJCS["local",GEOGCS["x"],UNIT["foot",0.3048,AUTHORITY["EPSG","9002"]]]')).toEqual({ kind: 'projected', name: 'local' });
  });

  it('reads WKT2 ids, geographic CRSs and the parts of a compound CRS', () => {
    expect(
      describeWkt(
        'GEOGCRS["WGS 84",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",6378137,298.257223563]],CS[ellipsoidal,2],ID["EPSG",4326]]',
      ),
    ).toEqual({ kind: 'geographic', name: 'WGS 84', epsg: 4326 });
    const compound =
      'COMPD_CS["UTM 32 + DHHN2016",PROJCS["ETRS89 / UTM zone 32N",GEOGCS["ETRS89"],AUTHORITY["EPSG","25832"]],VERT_CS["DHHN2016 height",VERT_DATUM["x",2005],AUTHORITY["EPSG","7837"]]]';
    expect(describeWkt(compound)).toEqual({ kind: 'compound', name: 'UTM 32 + DHHN2016', horizontalEpsg: 25832, verticalEpsg: 7837 });
  });

  it('parses escaped quotes, empty nodes and bare enums', () => {
    expect(parseWkt('LOCAL_CS["a ""quoted"" name",AXIS["x",EAST],X[]]')).toEqual({
      keyword: 'LOCAL_CS',
      args: ['a "quoted" name', { keyword: 'AXIS', args: ['x', 'EAST'] }, { keyword: 'X', args: [] }],
    });
  });

  it('returns undefined for text that is not WKT', () => {
    for (const bad of ['', 'hello', 'PROJCS["x"', 'PROJCS["x"]]', 'PROJCS["x"] trailing', '['.repeat(100)]) expect(parseWkt(bad)).toBeUndefined();
  });
});
