import type { SearchSort } from '../dto/search-datasets.query.js';

/** Validated search filters, in the units the SQL takes. */
export interface SearchFilters {
  q?: string;
  modality?: string;
  bbox?: [number, number, number, number];
  from?: Date;
  to?: Date;
  network?: string;
  licence?: string;
  maxPriceUsdCents?: number;
  sort: SearchSort;
  /** Keyset position after which the page starts: the previous page's last sort value and id. */
  after?: { value: string | number; id: string };
  limit: number;
}

export const SUMMARY_COLUMNS = `v.dataset_id, v.version, v.title, left(v.description, 300) AS summary, v.tags, v.modalities, v.networks,
  v.min_lon, v.min_lat, v.max_lon, v.max_lat, v.time_start, v.time_end, v.file_count, v.total_bytes,
  v.total_duration_seconds, v.total_points, v.total_messages, v.licence_slug, v.licence_name, v.exclusive,
  v.price_usd_cents, v.published_at`;

/**
 * The one SQL statement behind `GET /v1/datasets`; the benchmark runs exactly this text to compare the API with
 * raw SQL. Only the filters present become predicates (no `$n IS NULL OR ...`), so the planner sees plain
 * conditions it can match to the partial indexes on `listed` rows:
 * - bbox and time overlap: `bbox && box` and `time_range && tstzrange` -> GiST (bbox, time_range)
 * - q: `search_vector @@ websearch_to_tsquery` -> GIN; relevance = ts_rank_cd
 * - modality / network: array containment -> GIN
 * Sort keys end with dataset_id so the keyset cursor is a total order.
 */
export function buildSearchSql(filters: SearchFilters): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['v.listed'];
  let rank = 'NULL::real';
  if (filters.q !== undefined) {
    const query = `websearch_to_tsquery('english', ${param(filters.q)})`;
    where.push(`v.search_vector @@ ${query}`);
    rank = `ts_rank_cd(v.search_vector, ${query})`;
  }
  if (filters.modality !== undefined) where.push(`v.modalities @> ARRAY[${param(filters.modality)}]::text[]`);
  if (filters.network !== undefined) where.push(`v.networks @> ARRAY[${param(filters.network)}]::text[]`);
  if (filters.bbox !== undefined) {
    const [minLon, minLat, maxLon, maxLat] = filters.bbox;
    where.push(`v.bbox && box(point(${param(minLon)}, ${param(minLat)}), point(${param(maxLon)}, ${param(maxLat)}))`);
  }
  if (filters.from !== undefined || filters.to !== undefined) {
    where.push(`v.time_range && tstzrange(${param(filters.from ?? null)}::timestamptz, ${param(filters.to ?? null)}::timestamptz, '[]')`);
  }
  if (filters.licence !== undefined) where.push(`v.licence_slug = ${param(filters.licence)}`);
  if (filters.maxPriceUsdCents !== undefined) where.push(`v.price_usd_cents <= ${param(filters.maxPriceUsdCents)}`);

  const { key, direction } = SORT_KEYS[filters.sort];
  const sortExpression = key === 'rank' ? rank : key;
  if (filters.after) {
    const cast = key === 'rank' ? 'real' : key === 'v.published_at' ? 'timestamptz' : 'bigint';
    const op = direction === 'DESC' ? '<' : '>';
    where.push(`(${sortExpression}, v.dataset_id) ${op} (${param(filters.after.value)}::${cast}, ${param(filters.after.id)}::uuid)`);
  }
  const sql = `SELECT ${SUMMARY_COLUMNS}, ${rank} AS relevance, (${sortExpression})::text AS sort_value
FROM dataset_versions v
WHERE ${where.join('\n  AND ')}
ORDER BY ${sortExpression} ${direction}, v.dataset_id ${direction}
LIMIT ${param(filters.limit + 1)}`;
  return { sql, params };
}

const SORT_KEYS: Record<SearchSort, { key: string; direction: 'ASC' | 'DESC' }> = {
  relevance: { key: 'rank', direction: 'DESC' },
  newest: { key: 'v.published_at', direction: 'DESC' },
  price: { key: 'v.price_usd_cents', direction: 'ASC' },
  '-price': { key: 'v.price_usd_cents', direction: 'DESC' },
};
