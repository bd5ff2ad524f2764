/**
 * The floor for bench:search: the same search statement behind a bare Node http server (no framework, no
 * validation, no middleware) over a pg pool, in its own process like the service. What separates the service from
 * this is the framework; what separates this from raw SQL is the extra process hop and HTTP itself.
 * Usage: node search-floor-server.js <port> <database url>
 */
import http from 'node:http';
import pg from 'pg';
import type { SearchDatasetsQuery } from '../src/catalog/dto/search-datasets.query.js';
import { runSearch } from '../src/catalog/repositories/dataset-search.sql.js';
import { SERVER_OPTIONS } from '../src/database/data-source-options.js';
import { searchFilters } from '../src/catalog/services/catalog-search.service.js';

const pool = new pg.Pool({ connectionString: process.argv[3], max: 10, options: SERVER_OPTIONS });

http
  .createServer((req, res) => {
    const { searchParams } = new URL(req.url ?? '/', 'http://floor');
    // No validation pipe here: the bench's own query strings go in as they are, only the page size made a number.
    const query = { ...Object.fromEntries(searchParams), limit: Number(searchParams.get('limit') ?? 20) } as unknown as SearchDatasetsQuery;
    const filters = searchFilters(query);
    runSearch<{ sort_value: string }>(filters, async (sql, params) => (await pool.query<{ sort_value: string }>(sql, params)).rows).then(
      (rows) => {
        const body = JSON.stringify({ items: rows.slice(0, filters.limit), nextCursor: null });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      },
    );
  })
  .listen(Number(process.argv[2]), '127.0.0.1');
