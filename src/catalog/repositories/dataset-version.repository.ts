import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, EntityManager, MoreThan, Repository } from 'typeorm';
import { DatasetVersionFileEntity } from '../entities/dataset-version-file.entity.js';
import { DatasetVersionEntity } from '../entities/dataset-version.entity.js';
import { runSearch, type CoverageOutline, type SearchFilters } from './dataset-search.sql.js';
import type { CaptureFootprint, FootprintGeometry, GnssQuality } from '../../ingestion/footprints/footprint.types.js';
import type { UnitPrices } from '../unit-prices.js';

/** A search hit as the SQL answers it (snake_case, bigints as strings). */
export interface SearchRow {
  dataset_id: string;
  version: number;
  title: string;
  summary: string;
  tags: string[];
  modalities: string[];
  networks: string[];
  min_lon: number | null;
  min_lat: number | null;
  max_lon: number | null;
  max_lat: number | null;
  time_start: Date | null;
  time_end: Date | null;
  file_count: number;
  total_bytes: string;
  total_duration_seconds: number;
  total_points: string;
  total_messages: string;
  licence_slug: string;
  licence_name: string;
  exclusive: boolean;
  price_usd_cents: string;
  unit_prices: UnitPrices | null;
  published_at: Date;
  relevance: number | null;
  sort_value: string;
  /** The stored outline of the coverage cells (GeoJSON MultiPolygon); null until the footprint-sync job has made it. */
  coverage_outline: CoverageOutline | null;
  /** Res-6 H3 parents of the captures' cells, as decimal bigint strings: only while the outline is not stored. */
  coverage_cells: string[] | null;
}

const FILE_INSERT_BATCH = 2_000;

/** One file of a listed version with whether it meets a slice's area, window and modalities (see sliceCandidates). */
export interface SliceCandidateRow {
  leaf_index: number;
  path: string;
  capture_id: string;
  contributor_id: string;
  modality: string;
  size_bytes: string;
  time_start: Date | null;
  time_end: Date | null;
  /** From the footprint's stored facts (migration FileFootprintFacts): the footprint itself is read only to be drawn. */
  length_km: number | null;
  /** Only while all the selected files' geometries fit the caller's vertex budget. */
  geometry: FootprintGeometry | null;
  bbox: [number, number, number, number] | null;
  /** Vertices of the file's map geometry (null without a footprint). */
  vertices: number | null;
  in_area: boolean;
  in_window: boolean;
  selected: boolean;
}

/** What contentTotals answers. */
export interface VersionContentTotals {
  modalities: { modality: string; files: number; bytes: string; duration_seconds: number; first: Date | null; last: Date | null }[];
  contributors: number;
}

/** One file of a version as checkout reads it (see saleFilesOf). */
export interface SaleFileRow {
  leaf_index: number;
  path: string;
  capture_id: string;
  contributor_id: string;
  object_key: string;
  size_bytes: string;
  sha256: string;
  time_start: Date | null;
  time_end: Date | null;
  /** From the footprint's stored facts (migration FileFootprintFacts). */
  length_km: number | null;
}

/** What sliceCandidates answers: the selected files (none: one row of nulls) with the flags that say why a slice is empty. */
export type SliceCandidateRows = (SliceCandidateRow | { [K in keyof SliceCandidateRow]: null }) & {
  /** Over all the version's files: did any meet the area, and any the area in the window. */
  any_in_area: boolean;
  any_in_window: boolean;
};

/** One file of one frozen version. */
export interface FileRef {
  datasetId: string;
  version: number;
  path: string;
}

@Injectable()
export class DatasetVersionRepository {
  constructor(
    @InjectRepository(DatasetVersionEntity) private readonly versions: Repository<DatasetVersionEntity>,
    @InjectRepository(DatasetVersionFileEntity) private readonly files: Repository<DatasetVersionFileEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Inserts a frozen version and its files. The search columns (box, range, text vector) are computed here by
   * PostgreSQL from the stored fields, so they can never disagree with them.
   */
  async insert(manager: EntityManager, version: DatasetVersionEntity, files: readonly DatasetVersionFileEntity[]): Promise<void> {
    const v = version;
    await manager.query(
      `INSERT INTO dataset_versions (dataset_id, version, owner_id, title, description, tags, modalities, networks,
         licence_template_id, licence_slug, licence_name, licence_terms, licence_text, exclusive, price_usd_cents,
         declarations, split_policy, contributors, sample_files, min_lon, min_lat, max_lon, max_lat, bbox,
         time_start, time_end, time_range, file_count, total_bytes, total_duration_seconds, total_points,
         total_messages, merkle_root, search_vector, listed, published_at, approved_by, unit_prices)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
         CASE WHEN $20::float8 IS NULL THEN NULL ELSE box(point($20, $21), point($22, $23)) END,
         $24, $25,
         CASE WHEN $24::timestamptz IS NULL OR $25::timestamptz IS NULL THEN NULL ELSE tstzrange($24, $25, '[]') END,
         $26, $27, $28, $29, $30, $31,
         setweight(to_tsvector('english', $4), 'A') || setweight(to_tsvector('english', array_to_string($6::text[], ' ')), 'B')
           || setweight(to_tsvector('english', $5), 'C'),
         $32, $33, $34, $35)`,
      [
        v.datasetId,
        v.version,
        v.ownerId,
        v.title,
        v.description,
        v.tags,
        v.modalities,
        v.networks,
        v.licenceTemplateId,
        v.licenceSlug,
        v.licenceName,
        JSON.stringify(v.licenceTerms),
        v.licenceText,
        v.exclusive,
        v.priceUsdCents,
        JSON.stringify(v.declarations),
        v.splitPolicy === null ? null : JSON.stringify(v.splitPolicy),
        JSON.stringify(v.contributors),
        JSON.stringify(v.sampleFiles),
        v.minLon,
        v.minLat,
        v.maxLon,
        v.maxLat,
        v.timeStart,
        v.timeEnd,
        v.fileCount,
        v.totalBytes,
        v.totalDurationSeconds,
        v.totalPoints,
        v.totalMessages,
        v.merkleRoot,
        v.listed,
        v.publishedAt,
        v.approvedBy,
        v.unitPrices === null ? null : JSON.stringify(v.unitPrices),
      ],
    );
    // unnest keeps a 10,000-file manifest to a handful of statements instead of one per row.
    for (let start = 0; start < files.length; start += FILE_INSERT_BATCH) {
      const batch = files.slice(start, start + FILE_INSERT_BATCH);
      await manager.query(
        `INSERT INTO dataset_version_files (dataset_id, version, path, leaf_index, capture_id, contributor_id, object_key,
           size_bytes, sha256, modality, format, device_signature_valid, metadata, footprint, footprint_reason, gnss_quality,
           time_start, time_end)
         SELECT $1, $2, f.path, f.leaf_index, f.capture_id, f.contributor_id, f.object_key, f.size_bytes, f.sha256,
           f.modality, f.format, f.device_signature_valid, f.metadata, f.footprint, f.footprint_reason, f.gnss_quality,
           f.time_start, f.time_end
         FROM unnest($3::text[], $4::int[], $5::uuid[], $6::uuid[], $7::text[], $8::bigint[], $9::text[], $10::text[],
           $11::text[], $12::boolean[], $13::jsonb[], $14::jsonb[], $15::text[], $16::jsonb[], $17::timestamptz[],
           $18::timestamptz[])
           AS f(path, leaf_index, capture_id, contributor_id, object_key, size_bytes, sha256, modality, format,
             device_signature_valid, metadata, footprint, footprint_reason, gnss_quality, time_start, time_end)`,
        [
          v.datasetId,
          v.version,
          batch.map((f) => f.path),
          batch.map((f) => f.leafIndex),
          batch.map((f) => f.captureId),
          batch.map((f) => f.contributorId),
          batch.map((f) => f.objectKey),
          batch.map((f) => f.sizeBytes),
          batch.map((f) => f.sha256),
          batch.map((f) => f.modality),
          batch.map((f) => f.format),
          batch.map((f) => f.deviceSignatureValid),
          batch.map((f) => JSON.stringify(f.metadata)),
          batch.map((f) => (f.footprint ? JSON.stringify(f.footprint) : null)),
          batch.map((f) => f.footprintReason),
          batch.map((f) => (f.gnssQuality ? JSON.stringify(f.gnssQuality) : null)),
          batch.map((f) => f.timeStart),
          batch.map((f) => f.timeEnd),
        ],
      );
    }
  }

  /** Lists one version of the dataset (or none), unlisting the others: the unique index allows one listed row. */
  async setListed(manager: EntityManager, datasetId: string, version: number | null): Promise<void> {
    await manager.query(`UPDATE dataset_versions SET listed = false WHERE dataset_id = $1 AND listed AND version IS DISTINCT FROM $2`, [
      datasetId,
      version,
    ]);
    if (version !== null)
      await manager.query(`UPDATE dataset_versions SET listed = true WHERE dataset_id = $1 AND version = $2`, [datasetId, version]);
  }

  find(datasetId: string, version: number): Promise<DatasetVersionEntity | null> {
    return this.versions.findOne({ where: { datasetId, version } });
  }

  /** True when the capture is a sample file of a listed version of a dataset that is not taken down: its preview is public. */
  async isListedSample(captureId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id
       WHERE v.listed AND d.taken_down_at IS NULL AND v.sample_files @> jsonb_build_array(jsonb_build_object('captureId', $1::text))
       LIMIT 1`,
      [captureId],
    );
    return rows.length > 0;
  }

  /** The dataset's listed version (at most one: a unique index), read in the caller's transaction when given one. */
  findListed(datasetId: string, manager?: EntityManager): Promise<DatasetVersionEntity | null> {
    return (manager ?? this.dataSource.manager).findOne(DatasetVersionEntity, { where: { datasetId, listed: true } });
  }

  /**
   * Every file of a listed version in leaf order, each with whether it meets the area and the window, and whether it
   * is selected (meets both and is of one of the modalities; null modalities: any). With an area,
   * a file meets it when one of its res-8 cells falls in a range, and meets the window when the time it spent in such
   * a cell overlaps it (the same cell row: in the area during the window). Without an area, the window is met by the
   * capture's own time range (dataset_search_captures), so captures without a position count. A missing filter is met
   * by every file; a capture without times never meets a window. The search rows exist only while the version is
   * listed, so an unlisted version meets no area and no window.
   */
  async sliceCandidates(
    datasetId: string,
    version: number,
    area: { lo: string[]; hi: string[] } | null,
    window: { from: Date | null; to: Date | null } | null,
    modalities: readonly string[] | null,
    manager: EntityManager = this.dataSource.manager,
    geometryVertices = 0,
  ): Promise<SliceCandidateRows[]> {
    const params: unknown[] = [datasetId, version];
    const windowRange = () => {
      params.push(window?.from ?? null, window?.to ?? null);
      return `tstzrange($${params.length - 1}::timestamptz, $${params.length}::timestamptz, '[]')`;
    };
    let hits = '';
    let inArea = 'true';
    let inWindow = 'true';
    if (area) {
      params.push(area.lo, area.hi);
      const overlaps = window ? `c.span && ${windowRange()}` : 'true';
      // One range scan of the cell index per range (LATERAL ... OFFSET 0, as search does), kept for this version:
      // scanning all of a 10,000-file version's cells against every range cost 40 ms of a district quote.
      hits = `hits AS (
           SELECT c.capture_id, bool_or(${overlaps}) AS in_window
           FROM unnest($3::bigint[], $4::bigint[]) AS q(lo, hi) CROSS JOIN LATERAL (
             SELECT c.capture_id, c.span FROM dataset_search_cells c
             WHERE c.cell BETWEEN q.lo AND q.hi AND c.dataset_id = $1 AND c.version = $2 OFFSET 0) c
           GROUP BY c.capture_id)`;
      inArea = 'h.capture_id IS NOT NULL';
      inWindow = 'COALESCE(h.in_window, false)';
    } else if (window) {
      hits = `hits AS (
           SELECT k.capture_id, true AS in_window FROM dataset_search_captures k
           WHERE k.dataset_id = $1 AND k.version = $2 AND k.time_range && ${windowRange()})`;
      inWindow = 'h.capture_id IS NOT NULL';
    }
    const join = hits ? 'LEFT JOIN hits h ON h.capture_id = f.capture_id' : '';
    params.push(modalities);
    const ofModality = `($${params.length}::text[] IS NULL OR f.modality = ANY($${params.length}::text[]))`;
    params.push(geometryVertices);
    const budget = `$${params.length}::int`;
    // Only the selected files come back (with one row of flags that says why a slice is empty), and their map
    // geometry only when all of it fits the caller's vertex budget: a district of a city-wide version selects hundreds
    // of tracks, whose geometries (6.6 MB) were fetched to be drawn as boxes anyway.
    return manager.query(
      `WITH ${hits ? `${hits},\n       ` : ''}m AS MATERIALIZED (
         SELECT f.leaf_index, f.path, f.capture_id, f.contributor_id, f.modality, f.size_bytes::text AS size_bytes, f.time_start, f.time_end,
           ${inArea} AS in_area, ${inWindow} AS in_window, ${inArea} AND ${inWindow} AND ${ofModality} AS selected
         FROM dataset_version_files f ${join}
         WHERE f.dataset_id = $1 AND f.version = $2),
       flags AS (SELECT COALESCE(bool_or(in_area), false) AS any_in_area, COALESCE(bool_or(in_area AND in_window), false) AS any_in_window FROM m),
       picked AS MATERIALIZED (
         SELECT m.*, f.footprint_length_km AS length_km, f.footprint_bbox AS bbox, f.footprint_vertices AS vertices
         FROM m JOIN dataset_version_files f ON f.dataset_id = $1 AND f.version = $2 AND f.path = m.path
         WHERE m.selected),
       drawn AS (SELECT COALESCE(sum(vertices), 0) <= ${budget} AS fits FROM picked)
       SELECT x.*, flags.any_in_area, flags.any_in_window
       FROM flags CROSS JOIN drawn LEFT JOIN LATERAL (
         SELECT picked.*, CASE WHEN drawn.fits THEN (
             SELECT g.footprint->'geometry' FROM dataset_version_files g WHERE g.dataset_id = $1 AND g.version = $2 AND g.path = picked.path)
           END AS geometry
         FROM picked) x ON true
       ORDER BY x.leaf_index`,
      params,
    );
  }

  /** The datasets with a capture of their listed version in one of the ranges of res-8 cells (of the modalities; null: any). */
  async listedMeetingArea(area: { lo: string[]; hi: string[] }, modalities: readonly string[] | null): Promise<string[]> {
    // The search rows exist only for listed versions; one range scan of the cell index per range, as sliceCandidates.
    const rows: { dataset_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT c.dataset_id FROM unnest($1::bigint[], $2::bigint[]) AS q(lo, hi) CROSS JOIN LATERAL (
         SELECT c.dataset_id FROM dataset_search_cells c
         WHERE c.cell BETWEEN q.lo AND q.hi AND ($3::text[] IS NULL OR c.modality = ANY($3::text[])) OFFSET 0) c
       ORDER BY c.dataset_id`,
      [area.lo, area.hi, modalities],
    );
    return rows.map((row) => row.dataset_id);
  }

  async numbers(datasetId: string): Promise<number[]> {
    const rows: { version: number }[] = await this.dataSource.query(`SELECT version FROM dataset_versions WHERE dataset_id = $1 ORDER BY version`, [
      datasetId,
    ]);
    return rows.map((row) => row.version);
  }

  /** One page of the version's files in leaf order: those after leaf `afterLeaf` (-1: from the start), at most `limit`. */
  filePage(datasetId: string, version: number, afterLeaf: number, limit: number): Promise<DatasetVersionFileEntity[]> {
    return this.files.find({ where: { datasetId, version, leafIndex: MoreThan(afterLeaf) }, order: { leafIndex: 'ASC' }, take: limit });
  }

  /**
   * The version's files in leaf order, as checkout reads them: without their footprints (about 8 KB each for a
   * street drive, 84 MB for 10,000 files), only the stored length of each track.
   */
  saleFilesOf(datasetId: string, version: number): Promise<SaleFileRow[]> {
    return this.dataSource.query(
      `SELECT leaf_index, path, capture_id, contributor_id, object_key, size_bytes::text AS size_bytes, sha256, time_start, time_end,
              footprint_length_km AS length_km
       FROM dataset_version_files WHERE dataset_id = $1 AND version = $2 ORDER BY leaf_index`,
      [datasetId, version],
    );
  }

  /**
   * Per modality, the files, bytes and recorded seconds of a version (of the chosen leaves only, when given), with the
   * span of their recordings and the contributors behind them: what a training-content summary states. Summed in the
   * database, so a 10,000-file version's footprints are never read.
   */
  async contentTotals(datasetId: string, version: number, leafIndexes: readonly number[] | null): Promise<VersionContentTotals> {
    const chosen = `dataset_id = $1 AND version = $2 AND ($3::int[] IS NULL OR leaf_index = ANY($3::int[]))`;
    const params = [datasetId, version, leafIndexes === null ? null : [...leafIndexes]];
    const recorded = `time_start IS NOT NULL AND time_end IS NOT NULL`;
    const modalities: { modality: string; files: number; bytes: string; duration_seconds: number; first: Date | null; last: Date | null }[] =
      await this.dataSource.query(
        `SELECT modality, count(*)::int AS files, sum(size_bytes)::text AS bytes,
                coalesce(sum(greatest(0, extract(epoch FROM time_end - time_start))) FILTER (WHERE ${recorded}), 0)::float8 AS duration_seconds,
                min(time_start) FILTER (WHERE ${recorded}) AS first, max(time_end) FILTER (WHERE ${recorded}) AS last
           FROM dataset_version_files WHERE ${chosen} GROUP BY modality ORDER BY modality`,
        params,
      );
    const [{ contributors }]: { contributors: number }[] = await this.dataSource.query(
      `SELECT count(DISTINCT contributor_id)::int AS contributors FROM dataset_version_files WHERE ${chosen}`,
      params,
    );
    return { modalities, contributors };
  }

  /** The version's files in leaf order. */
  filesOf(datasetId: string, version: number): Promise<DatasetVersionFileEntity[]> {
    return this.files.find({ where: { datasetId, version }, order: { leafIndex: 'ASC' } });
  }

  /**
   * Catalogue coverage at resolution `res` (3, 5 or 7): per cell, the listed datasets with data there and their
   * modalities; only the cells inside `ranges` (inclusive ranges of ids at `res`) when given, at most `limit` + 1 rows.
   */
  async catalogCoverage(
    res: number,
    ranges: { lo: string[]; hi: string[] } | null,
    modality: string | undefined,
    limit: number,
  ): Promise<{ cell: string; datasets: number; modalities: string[] }[]> {
    const rows: { cell: string; datasets: number; modalities: string[] }[] = await this.dataSource.query(
      `SELECT k.cell::text AS cell,
         COALESCE(sum(k.datasets) FILTER (WHERE k.modality = COALESCE($4::text, '*')), 0)::int AS datasets,
         COALESCE(array_agg(k.modality ORDER BY k.modality) FILTER (WHERE k.modality <> '*'), '{}') AS modalities
       FROM (
         SELECT c.cell, c.modality, c.datasets FROM catalog_coverage c WHERE $2::bigint[] IS NULL AND c.res = $1
         UNION ALL
         SELECT c.cell, c.modality, c.datasets FROM unnest($2::bigint[], $3::bigint[]) AS q(lo, hi)
           CROSS JOIN LATERAL (SELECT c.cell, c.modality, c.datasets FROM catalog_coverage c
                               WHERE c.res = $1 AND c.cell BETWEEN q.lo AND q.hi OFFSET 0) c
       ) k
       GROUP BY k.cell HAVING COALESCE(sum(k.datasets) FILTER (WHERE k.modality = COALESCE($4::text, '*')), 0) > 0
       ORDER BY k.cell LIMIT $5`,
      [res, ranges?.lo ?? null, ranges?.hi ?? null, modality ?? null, limit + 1],
    );
    return rows;
  }

  /** Files with neither a footprint nor a reason for none (frozen before footprints), in key order. */
  async filesWithoutFootprint(limit: number, after?: FileRef): Promise<(FileRef & { captureId: string })[]> {
    const rows: { dataset_id: string; version: number; path: string; capture_id: string }[] = await this.dataSource.query(
      `SELECT dataset_id, version, path, capture_id FROM dataset_version_files
       WHERE footprint IS NULL AND footprint_reason IS NULL AND ($1::uuid IS NULL OR (dataset_id, version, path) > ($1, $2, $3))
       ORDER BY dataset_id, version, path LIMIT $4`,
      [after?.datasetId ?? null, after?.version ?? null, after?.path ?? null, limit],
    );
    return rows.map((row) => ({ datasetId: row.dataset_id, version: row.version, path: row.path, captureId: row.capture_id }));
  }

  /** Fills a file's footprint facts once (only while both are null); answers whether this call filled them. */
  async fillFootprint(file: FileRef, footprint: CaptureFootprint | null, reason: string | null, quality: GnssQuality | null): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      // In a CTE so the answer is the rows whatever the driver does with a bare UPDATE ([rows, count] on pg).
      `WITH filled AS (
         UPDATE dataset_version_files SET footprint = $4::jsonb, footprint_reason = $5, gnss_quality = $6::jsonb
         WHERE dataset_id = $1 AND version = $2 AND path = $3 AND footprint IS NULL AND footprint_reason IS NULL
         RETURNING 1)
       SELECT 1 FROM filled`,
      [file.datasetId, file.version, file.path, footprint ? JSON.stringify(footprint) : null, reason, quality ? JSON.stringify(quality) : null],
    );
    return rows.length === 1;
  }

  /** Rebuilds a version's search rows (cells, captures, catalogue coverage) from its files, if it is listed. */
  async reindex(datasetId: string, version: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const rows: { listed: boolean }[] = await manager.query(
        `SELECT listed FROM dataset_versions WHERE dataset_id = $1 AND version = $2 FOR UPDATE`,
        [datasetId, version],
      );
      if (rows[0]?.listed) await manager.query(`SELECT dataset_search_index_version($1, $2, true)`, [datasetId, version]);
    });
  }

  /** Files still pointing at an object outside the content-addressed store (versions frozen before it), in key order. */
  async filesNotContentAddressed(prefix: string, limit: number, after?: FileRef): Promise<(FileRef & { captureId: string; sha256: string })[]> {
    const rows: { dataset_id: string; version: number; path: string; capture_id: string; sha256: string }[] = await this.dataSource.query(
      `SELECT dataset_id, version, path, capture_id, sha256 FROM dataset_version_files
       WHERE left(object_key, length($1)) <> $1 AND ($2::uuid IS NULL OR (dataset_id, version, path) > ($2, $3, $4))
       ORDER BY dataset_id, version, path LIMIT $5`,
      [prefix, after?.datasetId ?? null, after?.version ?? null, after?.path ?? null, limit],
    );
    return rows.map((row) => ({ datasetId: row.dataset_id, version: row.version, path: row.path, captureId: row.capture_id, sha256: row.sha256 }));
  }

  /**
   * Points a frozen file at the verified copy of its bytes. Only the location changes, never the manifest (path, size,
   * hash): the caller passes the key of bytes verified to have exactly this file's SHA-256.
   */
  async moveFileTo(file: FileRef & { sha256: string }, objectKey: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE dataset_version_files SET object_key = $5 WHERE dataset_id = $1 AND version = $2 AND path = $3 AND sha256 = $4`,
      [file.datasetId, file.version, file.path, file.sha256, objectKey],
    );
  }

  /**
   * Straight through the pg pool under TypeORM: the public hot path has no transaction to join, and TypeORM's query
   * runner (runner object, broadcaster events, logger calls) was a measurable share of a ~2 ms search.
   */
  async search(filters: SearchFilters): Promise<SearchRow[]> {
    // The postgres driver keeps its pg pool as `master`.
    const driver: object = this.dataSource.driver;
    const pool = (driver as { master: Pool }).master;
    return runSearch(filters, async (sql, params) => (await pool.query<SearchRow>(sql, params)).rows);
  }

  /** Listed entries whose coverage outline is not stored yet, with their cells (decimal strings). */
  async outlinesPending(
    limit: number,
    after?: { datasetId: string; version: number },
  ): Promise<{ datasetId: string; version: number; cells: string[] }[]> {
    return this.dataSource.query(
      `SELECT dataset_id AS "datasetId", version, coverage_cells::text[] AS cells FROM dataset_search_entries
       WHERE coverage_outline IS NULL AND coverage_cells <> '{}' AND (dataset_id, version) > ($2::uuid, $3::int)
       ORDER BY dataset_id, version LIMIT $1`,
      [limit, after?.datasetId ?? '00000000-0000-0000-0000-000000000000', after?.version ?? 0],
    );
  }

  /**
   * Stores an entry's outline, made from exactly these cells: if the cells changed meanwhile (a re-index), the row is
   * left for the next pass, and the trigger has cleared any outline of the old cells.
   */
  async storeOutline(entry: { datasetId: string; version: number; cells: string[] }, outline: CoverageOutline): Promise<void> {
    await this.dataSource.query(
      `UPDATE dataset_search_entries SET coverage_outline = $4::jsonb
       WHERE dataset_id = $1 AND version = $2 AND coverage_cells = $3::bigint[] AND coverage_outline IS NULL`,
      [entry.datasetId, entry.version, entry.cells, JSON.stringify(outline)],
    );
  }
}
