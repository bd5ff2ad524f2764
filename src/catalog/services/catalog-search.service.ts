import { Injectable } from '@nestjs/common';
import { cursorValues } from '../../common/keyset-cursor.js';
import { parseStrictDate } from '../../common/strict-date.js';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';
import { summaryOf } from '../dataset-views.js';
import { DatasetSearchPage } from '../dto/dataset.response.js';
import type { SearchDatasetsQuery, SearchSort } from '../dto/search-datasets.query.js';
import { RELEVANCE_TIERS, relevancePosition, type SearchFilters } from '../repositories/dataset-search.sql.js';
import { AreaError, areaFromBBox, parseBBox, areaFromCells, areaFromGeoJson, type SearchArea } from '../search-area.js';
import { DatasetVersionRepository } from '../repositories/dataset-version.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Public search over the listed (latest published, not taken down) version of every dataset. */
@Injectable()
export class CatalogSearchService {
  constructor(private readonly versions: DatasetVersionRepository) {}

  async search(query: SearchDatasetsQuery): Promise<DatasetSearchPage> {
    const filters = searchFilters(query);
    const rows = await this.versions.search(filters);
    const items = rows.slice(0, filters.limit);
    const last = rows.length > filters.limit ? items.at(-1) : undefined;
    return Object.assign(new DatasetSearchPage(), {
      items: items.map(summaryOf),
      nextCursor: last ? encodeSearchCursor(filters.sort, last.sort_value, last.dataset_id) : null,
    });
  }
}

/** Turns the validated query into SQL filters, refusing combinations that cannot mean anything. */
export function searchFilters(query: SearchDatasetsQuery): SearchFilters {
  const q = query.q?.trim() || undefined;
  const sort: SearchSort = query.sort ?? (q ? 'relevance' : 'newest');
  if (sort === 'relevance' && !q) throw new CatalogException(CatalogErrorCode.INVALID_SEARCH, 'sort=relevance needs q');
  const areas = [query.bbox, query.polygon, query.cells].filter((a) => a !== undefined);
  if (areas.length > 1) throw new CatalogException(CatalogErrorCode.INVALID_SEARCH, 'give one area: bbox, polygon or cells');
  let area: SearchArea | undefined;
  if (query.bbox) {
    const text = query.bbox;
    area = searchArea(() => areaFromBBox(parseBBox(text)));
  } else if (query.polygon !== undefined) {
    const text = query.polygon;
    area = searchArea(() => areaFromGeoJson(parseGeoJson(text)));
  } else if (query.cells !== undefined) {
    const cells = query.cells.toLowerCase().split(',');
    area = searchArea(() => areaFromCells(cells));
  }
  const from = parseStrictDate(query.from) ?? undefined;
  const to = parseStrictDate(query.to) ?? undefined;
  if (from && to && from > to) throw new CatalogException(CatalogErrorCode.INVALID_SEARCH, 'from must not be after to');
  return {
    q,
    modality: query.modality,
    area,
    minRtkFixed: query.minRtkFixed,
    maxHdop: query.maxHdop,
    from,
    to,
    network: query.network,
    licence: query.licence,
    maxPriceUsdCents: query.maxPriceUsdCents,
    sort,
    after: query.cursor === undefined ? undefined : decodeSearchCursor(query.cursor, sort),
    limit: query.limit,
  };
}

export function searchArea<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof AreaError) throw new CatalogException(CatalogErrorCode.INVALID_AREA, error.message);
    throw error;
  }
}

/** The polygon parameter's JSON, at most 64 levels deep (a GeoJSON polygon needs 4). */
function parseGeoJson(text: string): unknown {
  let depth = 0;
  let max = 0;
  for (const ch of text) {
    if (ch === '[' || ch === '{') max = Math.max(max, ++depth);
    else if (ch === ']' || ch === '}') depth--;
  }
  if (max > 64) throw new CatalogException(CatalogErrorCode.INVALID_AREA, 'polygon is nested too deeply to be GeoJSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new CatalogException(CatalogErrorCode.INVALID_AREA, 'polygon is not valid JSON');
  }
}

/** A relevance cursor's value is `tier|published_at` (see RELEVANCE_TIERS). */
function isRelevancePosition(value: string): boolean {
  const { tier, publishedAt } = relevancePosition(value);
  return value[1] === '|' && RELEVANCE_TIERS.includes(tier) && cursorValues.isTimestamp(publishedAt);
}

export function encodeSearchCursor(sort: SearchSort, value: string, id: string): string {
  return Buffer.from(JSON.stringify([sort, value, id])).toString('base64url');
}

/** The cursor's position; a cursor from another sort order, or not from us, is a 400. */
export function decodeSearchCursor(cursor: string, sort: SearchSort): { value: string; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[1] !== 'string' || typeof parsed[2] !== 'string' || !UUID.test(parsed[2])) {
    throw new CatalogException(CatalogErrorCode.INVALID_SEARCH, 'cursor is not one this API handed out');
  }
  if (parsed[0] !== sort) throw new CatalogException(CatalogErrorCode.INVALID_SEARCH, `cursor belongs to sort=${String(parsed[0])}, not ${sort}`);
  const value = parsed[1];
  const valid =
    sort === 'newest' ? cursorValues.isTimestamp(value) : sort === 'relevance' ? isRelevancePosition(value) : cursorValues.isBigint(value);
  if (!valid) throw new CatalogException(CatalogErrorCode.INVALID_SEARCH, 'cursor is not one this API handed out');
  return { value, id: parsed[2] };
}
