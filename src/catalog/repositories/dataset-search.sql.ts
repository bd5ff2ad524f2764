import type { SearchSort } from '../dto/search-datasets.query.js';
import type { SearchArea } from '../search-area.js';

/** Validated search filters, in the units the SQL takes. */
export interface SearchFilters {
  q?: string;
  modality?: string;
  /** An area as ranges of res-8 H3 ids (see search-area.ts). */
  area?: SearchArea;
  minRtkFixed?: number;
  maxHdop?: number;
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
 * raw SQL. It filters, sorts and pages over dataset_search_entries (a narrow copy of every listed version, kept in
 * sync by a trigger: see migration 1764806400300), then joins the page's rows - at most limit + 1 - back to
 * dataset_versions for what the hits show. Only the filters present become predicates (no `$n IS NULL OR ...`):
 * - area (bbox / polygon / H3 cells as ranges of res-8 ids) with the window, modality and GNSS quality of the same
 *   capture: B-tree range scans of dataset_search_cells (cell), each row carrying the time spent in that cell
 * - window or GNSS quality without an area: dataset_search_captures, GiST (time_range)
 * - q: `search_vector @@ websearch_to_tsquery` -> GIN; relevance = ts_rank (weights A title, B tags, C description),
 *   about three times cheaper per hit than ts_rank_cd, which matters when a common word matches thousands of rows
 * - modality / network: array containment -> GIN
 * Sort keys end with dataset_id so the keyset cursor is a total order. The LIMIT sits in the inner query so the
 * join never runs for rows that are not on the page.
 */
export function buildSearchSql(filters: SearchFilters): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  let rank = 'NULL::real';
  // With q but another sort order, only the page's rows get a rank (in the outer query).
  let pageRank = 'NULL::real';
  if (filters.q !== undefined) {
    const query = `websearch_to_tsquery('english', ${param(filters.q)})`;
    where.push(`s.search_vector @@ ${query}`);
    rank = `ts_rank(s.search_vector, ${query})`;
    pageRank = `ts_rank(v.search_vector, ${query})`;
  }
  const modality = filters.modality === undefined ? undefined : param(filters.modality);
  if (modality !== undefined) where.push(`s.modalities @> ARRAY[${modality}]::text[]`);
  if (filters.network !== undefined) where.push(`s.networks @> ARRAY[${param(filters.network)}]::text[]`);
  // Area, window, and GNSS quality are facts of one capture each: a dataset matches only if one capture meets all of
  // them (the same capture in the area, in the window, of the modality, of the quality).
  const window = filters.from !== undefined || filters.to !== undefined;
  const quality = filters.minRtkFixed !== undefined || filters.maxHdop !== undefined;
  if (filters.area !== undefined || window || quality) {
    const alias = filters.area !== undefined ? 'c' : 'k';
    const per: string[] = [];
    if (window) {
      const column = alias === 'c' ? 'c.span' : 'k.time_range';
      per.push(`${column} && tstzrange(${param(filters.from ?? null)}::timestamptz, ${param(filters.to ?? null)}::timestamptz, '[]')`);
    }
    if (modality !== undefined) per.push(`${alias}.modality = ${modality}`);
    if (filters.minRtkFixed !== undefined) per.push(`${alias}.rtk_fixed >= ${param(filters.minRtkFixed)}`);
    if (filters.maxHdop !== undefined) per.push(`${alias}.median_hdop <= ${param(filters.maxHdop)}`);
    const and = per.length ? ` WHERE ${per.join(' AND ')}` : '';
    where.push(
      filters.area !== undefined
        ? // LATERAL ... OFFSET 0: one index range scan per range. As a plain join the planner cannot estimate the ranges
          // and either walks every listed dataset newest first checking its cells, or scans the whole cell table.
          `s.dataset_id IN (SELECT c.dataset_id FROM unnest(${param(filters.area.lo)}::bigint[], ${param(filters.area.hi)}::bigint[]) AS q(lo, hi) CROSS JOIN LATERAL (SELECT c.dataset_id FROM dataset_search_cells c WHERE c.cell BETWEEN q.lo AND q.hi${per.length ? ` AND ${per.join(' AND ')}` : ''} OFFSET 0) c)`
        : `s.dataset_id IN (SELECT k.dataset_id FROM dataset_search_captures k${and})`,
    );
  }
  if (filters.licence !== undefined) where.push(`s.licence_slug = ${param(filters.licence)}`);
  if (filters.maxPriceUsdCents !== undefined) where.push(`s.price_usd_cents <= ${param(filters.maxPriceUsdCents)}`);

  const { key, direction } = SORT_KEYS[filters.sort];
  const sortExpression = key === 'rank' ? rank : key;
  if (filters.after) {
    const cast = key === 'rank' ? 'real' : key === 's.published_at' ? 'timestamptz' : 'bigint';
    const op = direction === 'DESC' ? '<' : '>';
    where.push(`(${sortExpression}, s.dataset_id) ${op} (${param(filters.after.value)}::${cast}, ${param(filters.after.id)}::uuid)`);
  }
  const relevance = key === 'rank' ? 'p.sort_key' : pageRank;
  const sql = `SELECT ${SUMMARY_COLUMNS}, ${relevance} AS relevance, p.sort_key::text AS sort_value, p.coverage_cells::text[] AS coverage_cells
FROM (
  SELECT s.dataset_id, s.version, s.coverage_cells, ${sortExpression} AS sort_key
  FROM dataset_search_entries s${where.length ? `\n  WHERE ${where.join('\n    AND ')}` : ''}
  ORDER BY ${sortExpression} ${direction}, s.dataset_id ${direction}
  LIMIT ${param(filters.limit + 1)}
) p
JOIN dataset_versions v ON v.dataset_id = p.dataset_id AND v.version = p.version
ORDER BY p.sort_key ${direction}, p.dataset_id ${direction}`;
  return { sql, params };
}

const SORT_KEYS: Record<SearchSort, { key: string; direction: 'ASC' | 'DESC' }> = {
  relevance: { key: 'rank', direction: 'DESC' },
  newest: { key: 's.published_at', direction: 'DESC' },
  price: { key: 's.price_usd_cents', direction: 'ASC' },
  '-price': { key: 's.price_usd_cents', direction: 'DESC' },
};
