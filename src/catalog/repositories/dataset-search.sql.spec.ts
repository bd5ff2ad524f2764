import { decodeSearchCursor, encodeSearchCursor, searchFilters } from '../services/catalog-search.service.js';
import { SearchDatasetsQuery } from '../dto/search-datasets.query.js';
import { buildSearchSql, buildTierSql, runSearch, TIER_WALK_ROWS } from './dataset-search.sql.js';

const query = (fields: Partial<SearchDatasetsQuery>) => Object.assign(new SearchDatasetsQuery(), { limit: 20 }, fields);

describe('buildSearchSql', () => {
  it('turns only the filters present into predicates on the narrow search table, and pages before joining', () => {
    const { sql, params } = buildSearchSql(searchFilters(query({ bbox: '11,48,12,49', from: '2026-01-01T00:00:00Z', modality: 'video' })));
    expect(sql).toContain('FROM dataset_search_entries s');
    // Area, window and modality are one capture's: the same cell row carries the time spent there and its modality.
    expect(sql).toContain(
      "s.dataset_id IN (SELECT c.dataset_id FROM unnest($4::bigint[], $5::bigint[]) AS q(lo, hi) CROSS JOIN LATERAL (SELECT c.dataset_id FROM dataset_search_cells c WHERE c.cell BETWEEN q.lo AND q.hi AND c.span && tstzrange($2::timestamptz, $3::timestamptz, '[]') AND c.modality = $1 OFFSET 0) c)",
    );
    expect(sql).toContain('s.modalities @> ARRAY[$1]::text[]');
    expect(sql).not.toContain('search_vector');
    expect(sql).not.toContain('s.bbox');
    expect(sql).toContain('ORDER BY s.published_at DESC, s.dataset_id DESC\n  LIMIT $6\n) p\nJOIN dataset_versions v');
    expect(sql).toMatch(/ORDER BY p\.sort_key DESC, p\.dataset_id DESC$/);
    expect(params.slice(0, 3)).toEqual(['video', new Date('2026-01-01T00:00:00Z'), null]);
    // A 1 x 1 degree box is covered at a coarser resolution than 8, as a handful of merged ranges.
    const [lo, hi] = params.slice(3, 5) as string[][];
    expect(lo.length).toBe(hi.length);
    expect(lo.length).toBeGreaterThan(0);
    expect(lo.every((l, i) => BigInt(l) <= BigInt(hi[i]))).toBe(true);
    expect(params[5]).toBe(21);
  });

  it('answers a window without an area from the captures table, with the GNSS quality of the same capture', () => {
    const { sql, params } = buildSearchSql(searchFilters(query({ from: '2026-01-01', minRtkFixed: 0.9, maxHdop: 1.5 })));
    expect(sql).toContain(
      "s.dataset_id IN (SELECT k.dataset_id FROM dataset_search_captures k WHERE k.time_range && tstzrange($1::timestamptz, $2::timestamptz, '[]') AND k.rtk_fixed >= $3 AND k.median_hdop <= $4)",
    );
    expect(params.slice(0, 4)).toEqual([new Date('2026-01-01T00:00:00Z'), null, 0.9, 1.5]);
  });

  it('refuses two areas at once, and areas that are not places', () => {
    expect(() => searchFilters(query({ bbox: '11,48,12,49', cells: '881e15b2b1fffff' }))).toThrow('give one area: bbox, polygon or cells');
    expect(() => searchFilters(query({ polygon: '{"type":"Point","coordinates":[1,2]}' }))).toThrow(/Polygon or MultiPolygon/);
    expect(() => searchFilters(query({ polygon: '[[[[' }))).toThrow('polygon is not valid JSON');
    expect(() => searchFilters(query({ polygon: '['.repeat(100) + ']'.repeat(100) }))).toThrow(/nested too deeply/);
  });

  it('has no WHERE without filters, and gives the page rows their relevance tier when q comes with another sort order', () => {
    expect(buildSearchSql(searchFilters(query({}))).sql).not.toContain('WHERE');
    const { sql } = buildSearchSql(searchFilters(query({ q: 'winter', sort: 'newest' })));
    expect(sql).toContain('SELECT s.dataset_id, s.version, s.coverage_cells, s.coverage_outline, s.published_at AS sort_key');
    expect(sql).toContain(
      "CASE WHEN ts_filter(v.search_vector, '{a}') @@ websearch_to_tsquery('english', $1) THEN 3 WHEN ts_filter(v.search_vector, '{a,b}') @@ websearch_to_tsquery('english', $1) THEN 2 ELSE 1 END::real AS relevance",
    );
    expect(() => buildSearchSql(searchFilters(query({ q: 'winter' })))).toThrow(/runSearch/);
  });

  it("searches by relevance tier by tier: a bounded walk of the newest entries, then the tier's own index", () => {
    const filters = searchFilters(query({ q: 'winter roads', modality: 'video' }));
    expect(filters.sort).toBe('relevance');
    const walk = buildTierSql(filters, 3, 21, undefined, 'walk');
    expect(walk.sql).toContain(
      'FROM (SELECT s.* FROM dataset_search_entries s WHERE s.modalities @> ARRAY[$2]::text[] ORDER BY s.published_at DESC, s.dataset_id DESC LIMIT $4) s',
    );
    expect(walk.sql).toContain("WHERE s.title_vector @@ websearch_to_tsquery('english', $1)\n");
    expect(walk.params).toEqual(['winter roads', 'video', 21, TIER_WALK_ROWS]);
    const index = buildTierSql(filters, 2, 5, undefined, 'index');
    expect(index.sql).toContain('WITH m AS MATERIALIZED');
    expect(index.sql).toContain(
      "s.title_tags_vector @@ websearch_to_tsquery('english', $1) AND NOT s.title_vector @@ websearch_to_tsquery('english', $1) AND s.modalities @> ARRAY[$2]::text[]",
    );
    // A negation is not implied by the title: every tier then also requires the whole record to match.
    const negated = buildTierSql(searchFilters(query({ q: 'winter -snow' })), 3, 21, undefined, 'index');
    expect(negated.sql).toContain("s.title_vector @@ websearch_to_tsquery('english', $1) AND s.search_vector @@ websearch_to_tsquery('english', $1)");
    const after = buildTierSql(filters, 1, 21, { publishedAt: '2026-01-01 00:00:00+00', id: '6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c' }, 'walk');
    expect(after.sql).toContain('(s.published_at, s.dataset_id) < ($3::timestamptz, $4::uuid)');
  });

  it("fills a relevance page from the best tier down, asks the index only when the walk falls short, and resumes inside the cursor's tier", async () => {
    const statements: string[] = [];
    // A fake database: tier 3 has 2 rows in the walk and 3 through its index, tier 2 fills the rest.
    const run = (sql: string, params: unknown[]) => {
      const tier = /::real AS relevance/.exec(sql) ? Number(/SELECT .*?, (\d)::real AS relevance/s.exec(sql)?.[1]) : 0;
      const mode = sql.includes('MATERIALIZED') ? 'index' : 'walk';
      statements.push(`${tier} ${mode}`);
      const need = Number(params[params.length - (mode === 'walk' ? 2 : 1)]);
      const available = tier === 3 ? (mode === 'walk' ? 2 : 3) : 100;
      return Promise.resolve(Array.from({ length: Math.min(need, available) }, (_, i) => ({ sort_value: `${tier}|${i}` })));
    };
    const rows = await runSearch(searchFilters(query({ q: 'winter', limit: 5 })), run);
    expect(rows.map((r) => r.sort_value)).toEqual(['3|0', '3|1', '3|2', '2|0', '2|1', '2|2']);
    expect(statements).toEqual(['3 walk', '3 index', '2 walk']);
    statements.length = 0;
    const cursor = encodeSearchCursor('relevance', '2|2026-01-01 00:00:00+00', '6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c');
    await runSearch(searchFilters(query({ q: 'winter', limit: 5, cursor })), run);
    expect(statements).toEqual(['2 walk']);
  });

  it('sorts by price both ways with the matching keyset comparison', () => {
    const cursor = encodeSearchCursor('price', '5000', '6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c');
    expect(buildSearchSql(searchFilters(query({ sort: 'price', cursor }))).sql).toContain(
      '(s.price_usd_cents, s.dataset_id) > ($1::bigint, $2::uuid)',
    );
    expect(buildSearchSql(searchFilters(query({ sort: '-price' }))).sql).toContain('ORDER BY s.price_usd_cents DESC, s.dataset_id DESC');
  });
});

describe('search cursors', () => {
  it('refuse a cursor of another sort order, a forged one and a malformed value', () => {
    const id = '6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c';
    expect(decodeSearchCursor(encodeSearchCursor('newest', '2026-01-01 00:00:00+00', id), 'newest')).toEqual({ value: '2026-01-01 00:00:00+00', id });
    expect(() => decodeSearchCursor(encodeSearchCursor('newest', '2026-01-01', id), 'price')).toThrow(/sort=newest/);
    expect(() => decodeSearchCursor('bm90LWpzb24', 'newest')).toThrow(/not one this API handed out/);
    expect(() => decodeSearchCursor(encodeSearchCursor('price', '1; DROP TABLE', id), 'price')).toThrow(/not one this API handed out/);
    expect(() => decodeSearchCursor(encodeSearchCursor('price', '10', 'x'), 'price')).toThrow(/not one this API handed out/);
    expect(decodeSearchCursor(encodeSearchCursor('relevance', '3|2026-01-01 00:00:00+00', id), 'relevance').value).toBe('3|2026-01-01 00:00:00+00');
    expect(() => decodeSearchCursor(encodeSearchCursor('relevance', '0.5', id), 'relevance')).toThrow(/not one this API handed out/);
    expect(() => decodeSearchCursor(encodeSearchCursor('relevance', '4|2026-01-01 00:00:00+00', id), 'relevance')).toThrow(/not one/);
  });
});
