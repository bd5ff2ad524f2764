import { decodeSearchCursor, encodeSearchCursor, searchFilters } from '../services/catalog-search.service.js';
import { SearchDatasetsQuery } from '../dto/search-datasets.query.js';
import { buildSearchSql } from './dataset-search.sql.js';

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

  it('has no WHERE without filters, and ranks only the page when q comes with another sort order', () => {
    expect(buildSearchSql(searchFilters(query({}))).sql).not.toContain('WHERE');
    const { sql } = buildSearchSql(searchFilters(query({ q: 'winter', sort: 'newest' })));
    expect(sql).toContain('SELECT s.dataset_id, s.version, s.coverage_cells, s.published_at AS sort_key');
    expect(sql).toContain("ts_rank(v.search_vector, websearch_to_tsquery('english', $1)) AS relevance");
  });

  it('ranks by text relevance when q is given, and pages after the cursor position', () => {
    const first = searchFilters(query({ q: 'winter roads' }));
    expect(first.sort).toBe('relevance');
    const cursor = encodeSearchCursor('relevance', '0.1', '6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c');
    const { sql, params } = buildSearchSql(searchFilters(query({ q: 'winter roads', cursor })));
    expect(sql).toContain("s.search_vector @@ websearch_to_tsquery('english', $1)");
    expect(sql).toContain("(ts_rank(s.search_vector, websearch_to_tsquery('english', $1)), s.dataset_id) < ($2::real, $3::uuid)");
    expect(sql).toContain('p.sort_key AS relevance');
    expect(params).toEqual(['winter roads', '0.1', '6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c', 21]);
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
  });
});
