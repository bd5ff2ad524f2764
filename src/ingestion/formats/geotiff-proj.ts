import { epsgEntry } from './crs.js';

/**
 * A user-defined projected CRS spelled out in GeoTIFF keys (ProjectedCSTypeGeoKey 32767: the projection method, its
 * parameters in the GeoDoubleParams record, the linear unit and the ellipsoid) as a PROJ string for proj4. The common
 * methods of survey files: Transverse Mercator, Mercator, Lambert Conformal Conic (1 and 2 standard parallels), Albers.
 */

/** GeoKey ids of the parameters this reads (GeoTIFF 1.1, table 'Projection parameter keys'). */
export const GEOKEY_PARAMS: Record<number, string> = {
  2057: 'semiMajor',
  2058: 'semiMinor',
  2059: 'invFlattening',
  3077: 'linearUnitSize',
  3078: 'stdParallel1',
  3079: 'stdParallel2',
  3080: 'natOriginLong',
  3081: 'natOriginLat',
  3082: 'falseEasting',
  3083: 'falseNorthing',
  3084: 'falseOriginLong',
  3085: 'falseOriginLat',
  3086: 'falseOriginEasting',
  3087: 'falseOriginNorthing',
  3088: 'centerLong',
  3089: 'centerLat',
  3092: 'scaleAtNatOrigin',
};

export interface UserProjection {
  /** ProjCoordTransGeoKey (3075). */
  method?: number;
  /** ProjLinearUnitsGeoKey (3076), an EPSG unit code. */
  linearUnits?: number;
  /** GeographicTypeGeoKey (2048) when it is an EPSG code. */
  geographicEpsg?: number;
  params: Partial<Record<string, number>>;
}

/** Metres per unit of the EPSG linear units survey files use; others must give ProjLinearUnitSizeGeoKey. */
const UNIT_METRES: Partial<Record<number, number>> = { 9001: 1, 9002: 0.3048, 9003: 1200 / 3937 };

/** The ellipsoid (and datum shift) of the keys: their own axes, or the PROJ string of their EPSG geographic CRS. */
function ellipsoid(keys: UserProjection): string | undefined {
  const { semiMajor, semiMinor, invFlattening } = keys.params;
  if (semiMajor !== undefined && invFlattening !== undefined && invFlattening > 0) return `+a=${semiMajor} +rf=${invFlattening}`;
  if (semiMajor !== undefined && semiMinor !== undefined) return `+a=${semiMajor} +b=${semiMinor}`;
  const geographic = keys.geographicEpsg !== undefined ? epsgEntry(keys.geographicEpsg)?.proj4 : undefined;
  const tokens = geographic?.split(/\s+/).filter((t) => /^\+(datum|ellps|towgs84|a|b|rf)=/.test(t));
  return tokens?.length ? tokens.join(' ') : undefined;
}

/** The PROJ string of a user-defined projection in GeoTIFF keys, or why there is none. */
export function geoKeysProj4(keys: UserProjection): { proj4: string; reason?: undefined } | { proj4: null; reason: string } {
  const p = keys.params;
  const unit = keys.linearUnits !== undefined ? (UNIT_METRES[keys.linearUnits] ?? p.linearUnitSize) : 1;
  if (unit === undefined || !(unit > 0)) return { proj4: null, reason: `the GeoTIFF keys use linear unit ${keys.linearUnits} without its size` };
  const ellps = ellipsoid(keys);
  if (!ellps) return { proj4: null, reason: 'the GeoTIFF keys define a projection without its ellipsoid' };
  const metres = (v: number | undefined) => (v ?? 0) * unit;
  let method: string;
  switch (keys.method) {
    case 1: // Transverse Mercator
      method = `+proj=tmerc +lat_0=${p.natOriginLat ?? 0} +lon_0=${p.natOriginLong ?? 0} +k_0=${p.scaleAtNatOrigin ?? 1} +x_0=${metres(p.falseEasting)} +y_0=${metres(p.falseNorthing)}`;
      break;
    case 7: // Mercator
      method = `+proj=merc +lon_0=${p.natOriginLong ?? 0} +k_0=${p.scaleAtNatOrigin ?? 1} +x_0=${metres(p.falseEasting)} +y_0=${metres(p.falseNorthing)}`;
      break;
    case 8: // Lambert Conformal Conic, 2 standard parallels
      method = `+proj=lcc +lat_1=${p.stdParallel1} +lat_2=${p.stdParallel2} +lat_0=${p.falseOriginLat ?? 0} +lon_0=${p.falseOriginLong ?? 0} +x_0=${metres(p.falseOriginEasting)} +y_0=${metres(p.falseOriginNorthing)}`;
      break;
    case 9: // Lambert Conformal Conic, 1 standard parallel
      method = `+proj=lcc +lat_1=${p.natOriginLat} +lat_0=${p.natOriginLat} +lon_0=${p.natOriginLong ?? 0} +k_0=${p.scaleAtNatOrigin ?? 1} +x_0=${metres(p.falseEasting)} +y_0=${metres(p.falseNorthing)}`;
      break;
    case 11: // Albers Equal Area
      method = `+proj=aea +lat_1=${p.stdParallel1} +lat_2=${p.stdParallel2} +lat_0=${p.falseOriginLat ?? p.natOriginLat ?? 0} +lon_0=${p.falseOriginLong ?? p.natOriginLong ?? 0} +x_0=${metres(p.falseOriginEasting ?? p.falseEasting)} +y_0=${metres(p.falseOriginNorthing ?? p.falseNorthing)}`;
      break;
    default:
      return {
        proj4: null,
        reason: `the GeoTIFF keys define projection method ${keys.method ?? 'none'}, which is not read here (no EPSG code and no WKT either)`,
      };
  }
  if (method.includes('undefined')) return { proj4: null, reason: `the GeoTIFF keys lack a parameter of projection method ${keys.method}` };
  return { proj4: `${method} ${ellps} +to_meter=${unit} +no_defs` };
}
