import type { SearchSort } from '../dto/search-datasets.query.js';
import type { SearchArea } from '../search-area.js';

/** A search hit's coverage as drawn on the map: the outline of its res-6 (or coarser) cells. */
export interface CoverageOutline {
  type: 'MultiPolygon';
  coordinates: number[][][][];
}

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
  v.price_usd_cents, v.unit_prices, v.published_at`;

/**
 * Text relevance is by field: 3 when the title alone satisfies the query, 2 when title and tags do, 1 when it takes
 * the description; newest first within a tier. Each tier has its own generated tsvector column and GIN index on
 * dataset_search_entries (migration 1764892805100), so a page of a tier is either a walk of the newest entries that
 * stops after one page (a common word) or a bitmap of the tier's few matches (a rare one), never a rank of every
 * match: ts_rank over the 12,500 datasets "winter road" matches in the benchmark cost 20-40 ms on its own.
 */
export const RELEVANCE_TIERS = [3, 2, 1] as const;
export type RelevanceTier = (typeof RELEVANCE_TIERS)[number];

/** How many of the newest entries (that pass the other filters) a tier's page walks before it asks its GIN index. */
export const TIER_WALK_ROWS = 1_000;

/** One statement of a search and its parameters. */
export interface SearchStatement {
  sql: string;
  params: unknown[];
}

/** Runs one statement; the repository gives a pg pool's query, the benchmark its own client. */
export type SearchRunner<Row> = (sql: string, params: unknown[]) => Promise<Row[]>;

/**
 * The search behind `GET /v1/datasets`, through `run`; the benchmark runs exactly this to compare the API with raw SQL.
 * Every sort but relevance is one statement (buildSearchSql). Relevance walks the tiers best first until the page
 * (limit + 1 rows, to know whether there is a next one) is full: each tier is first tried as a bounded walk of the
 * newest entries (TIER_WALK_ROWS), which settles it when it yields the rows still needed; otherwise the tier is sparse
 * among the newest entries, and its own GIN index answers it exactly. A cursor resumes inside its tier.
 */
export async function runSearch<Row extends { sort_value: string }>(filters: SearchFilters, run: SearchRunner<Row>): Promise<Row[]> {
  if (filters.sort !== 'relevance') {
    const { sql, params } = buildSearchSql(filters);
    return run(sql, params);
  }
  const wanted = filters.limit + 1;
  const rows: Row[] = [];
  const start = filters.after ? relevancePosition(String(filters.after.value)) : undefined;
  for (const tier of RELEVANCE_TIERS) {
    if (start && tier > start.tier) continue;
    const after = start && tier === start.tier ? { publishedAt: start.publishedAt, id: filters.after?.id ?? '' } : undefined;
    const need = wanted - rows.length;
    const walk = buildTierSql(filters, tier, need, after, 'walk');
    let found = await run(walk.sql, walk.params);
    if (found.length < need) {
      const exact = buildTierSql(filters, tier, need, after, 'index');
      found = await run(exact.sql, exact.params);
    }
    rows.push(...found);
    if (rows.length >= wanted) break;
  }
  return rows;
}

/** A relevance cursor's value: `tier|published_at` of the last row shown. */
export function relevancePosition(value: string): { tier: RelevanceTier; publishedAt: string } {
  const bar = value.indexOf('|');
  return { tier: Number(value.slice(0, bar)) as RelevanceTier, publishedAt: value.slice(bar + 1) };
}

/** Filters other than the text, as predicates on dataset_search_entries s (shared by every sort order). */
function filterPredicates(filters: SearchFilters, param: (value: unknown) => string): string[] {
  const where: string[] = [];
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
  return where;
}

function parameters(): { params: unknown[]; param: (value: unknown) => string } {
  const params: unknown[] = [];
  return {
    params,
    param: (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    },
  };
}

const tsquery = (placeholder: string) => `websearch_to_tsquery('english', ${placeholder})`;

/** The tier of a row from its three vectors (title, title + tags, all): used for the page's rows only. */
function tierOf(title: string, titleTags: string, query: string): string {
  return `CASE WHEN ${title} @@ ${query} THEN 3 WHEN ${titleTags} @@ ${query} THEN 2 ELSE 1 END`;
}

/**
 * The page's rows joined back to dataset_versions for what a hit shows. The outline a hit draws is the stored one;
 * the cells come along only while the footprint-sync job has not stored it yet.
 */
function pageSql(inner: string, relevance: string, orderBy: string): string {
  return `SELECT ${SUMMARY_COLUMNS}, ${relevance} AS relevance, p.sort_key::text AS sort_value, p.coverage_outline,
  CASE WHEN p.coverage_outline IS NULL THEN p.coverage_cells::text[] END AS coverage_cells
FROM (
${inner}
) p
JOIN dataset_versions v ON v.dataset_id = p.dataset_id AND v.version = p.version
ORDER BY ${orderBy}`;
}

const PAGE_COLUMNS = 's.dataset_id, s.version, s.coverage_cells, s.coverage_outline';

/**
 * One statement for every order but relevance. It filters, sorts and pages over dataset_search_entries (a narrow copy
 * of every listed version, kept in sync by a trigger: see migration 1764806400300), then joins the page's rows - at
 * most limit + 1 - back to dataset_versions. Only the filters present become predicates (no `$n IS NULL OR ...`):
 * - area (bbox / polygon / H3 cells as ranges of res-8 ids) with the window, modality and GNSS quality of the same
 *   capture: B-tree range scans of dataset_search_cells (cell), each row carrying the time spent in that cell
 * - window or GNSS quality without an area: dataset_search_captures, GiST (time_range)
 * - q: `search_vector @@ websearch_to_tsquery` -> GIN; each hit carries its relevance tier (computed for the page only)
 * - modality / network: array containment -> GIN
 * Sort keys end with dataset_id so the keyset cursor is a total order. The LIMIT sits in the inner query so the
 * join never runs for rows that are not on the page.
 */
export function buildSearchSql(filters: SearchFilters): SearchStatement {
  if (filters.sort === 'relevance') throw new Error('relevance is searched tier by tier: use runSearch');
  const { params, param } = parameters();
  const where: string[] = [];
  let pageRelevance = 'NULL::real';
  if (filters.q !== undefined) {
    const query = tsquery(param(filters.q));
    where.push(`s.search_vector @@ ${query}`);
    pageRelevance = `${tierOf(`ts_filter(v.search_vector, '{a}')`, `ts_filter(v.search_vector, '{a,b}')`, query)}::real`;
  }
  where.push(...filterPredicates(filters, param));
  const { key, direction } = SORT_KEYS[filters.sort];
  if (filters.after) {
    const cast = key === 's.published_at' ? 'timestamptz' : 'bigint';
    const op = direction === 'DESC' ? '<' : '>';
    where.push(`(${key}, s.dataset_id) ${op} (${param(filters.after.value)}::${cast}, ${param(filters.after.id)}::uuid)`);
  }
  const inner = `  SELECT ${PAGE_COLUMNS}, ${key} AS sort_key
  FROM dataset_search_entries s${where.length ? `\n  WHERE ${where.join('\n    AND ')}` : ''}
  ORDER BY ${key} ${direction}, s.dataset_id ${direction}
  LIMIT ${param(filters.limit + 1)}`;
  return { sql: pageSql(inner, pageRelevance, `p.sort_key ${direction}, p.dataset_id ${direction}`), params };
}

/**
 * One tier's next `need` rows, newest first, after `after` (a cursor inside this tier).
 * - 'walk': the TIER_WALK_ROWS newest entries that pass the other filters, then the tier's predicate on them. Settles the
 *   tier when it yields `need` rows (every older row of the tier comes after them); cheap whatever the word's frequency.
 * - 'index': the tier's matches through its GIN index, materialised, then sorted: exact, and cheap because it only runs
 *   when the walk found the tier sparse among the newest entries.
 * A query with a negation (`-word`) is not monotone (a title can lack a word the description has), so there every tier
 * also requires the whole record to match; without one the tier's own vector implies it.
 */
export function buildTierSql(
  filters: SearchFilters,
  tier: RelevanceTier,
  need: number,
  after: { publishedAt: string; id: string } | undefined,
  mode: 'walk' | 'index',
): SearchStatement {
  const { params, param } = parameters();
  const query = tsquery(param(filters.q ?? ''));
  const tierWhere = {
    3: [`s.title_vector @@ ${query}`],
    2: [`s.title_tags_vector @@ ${query}`, `NOT s.title_vector @@ ${query}`],
    1: [`s.search_vector @@ ${query}`, `NOT s.title_tags_vector @@ ${query}`],
  }[tier];
  if (tier !== 1 && (filters.q ?? '').includes('-')) tierWhere.push(`s.search_vector @@ ${query}`);
  const where = filterPredicates(filters, param);
  if (after) where.push(`(s.published_at, s.dataset_id) < (${param(after.publishedAt)}::timestamptz, ${param(after.id)}::uuid)`);
  const order = 'ORDER BY s.published_at DESC, s.dataset_id DESC';
  const sortKey = `${tier} || '|' || s.published_at::text AS sort_key`;
  const limit = param(need);
  const inner =
    mode === 'walk'
      ? `  SELECT ${PAGE_COLUMNS}, s.published_at, ${sortKey}
  FROM (SELECT s.* FROM dataset_search_entries s${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ${order} LIMIT ${param(TIER_WALK_ROWS)}) s
  WHERE ${tierWhere.join(' AND ')}
  ${order}
  LIMIT ${limit}`
      : `  WITH m AS MATERIALIZED (
    SELECT ${PAGE_COLUMNS}, s.published_at FROM dataset_search_entries s WHERE ${[...tierWhere, ...where].join(' AND ')}
  )
  SELECT s.*, ${sortKey} FROM m s ${order} LIMIT ${limit}`;
  return { sql: pageSql(inner, `${tier}::real`, 'p.published_at DESC, p.dataset_id DESC'), params };
}

const SORT_KEYS: Record<Exclude<SearchSort, 'relevance'>, { key: string; direction: 'ASC' | 'DESC' }> = {
  newest: { key: 's.published_at', direction: 'DESC' },
  price: { key: 's.price_usd_cents', direction: 'ASC' },
  '-price': { key: 's.price_usd_cents', direction: 'DESC' },
};
