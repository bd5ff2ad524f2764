import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Footprints (issue 12): where and when each capture was, and search that is honest about it.
 *
 * - captures / dataset_version_files: the probe's footprint (track, point or polygon with its H3 res-8 cells and the
 *   time spent in each), why there is none, and the GNSS quality. `footprint_version` on captures says which extraction
 *   produced it (0: captured before footprints existed; the backfill job re-reads those objects).
 * - dataset_search_captures: one row per capture of every listed version (time range, modality, GNSS quality), for a
 *   time window without an area: a dataset matches only if one of its captures was recorded in the window.
 * - dataset_search_cells: one row per (capture, H3 cell) of every listed version, with the time the capture spent in
 *   the cell; an area query is a set of cell ranges (a coarse cell is the contiguous range of its res-8 descendants
 *   in H3's bit order), so B-tree range scans answer polygons of any size.
 * - catalog_coverage: how many listed datasets have data in each cell at res 3, 5 and 7, per modality and in all
 *   (modality '*'), for the storefront's coverage layer.
 * All three are kept by the listing trigger, in the transaction that lists or unlists a version, with the same SQL on
 * PostgreSQL and PGlite (no PostGIS: H3 ids are bigints, parents are bit arithmetic).
 */
export class CaptureFootprints1764892805000 implements MigrationInterface {
  name = 'CaptureFootprints1764892805000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE captures
        ADD COLUMN footprint jsonb,
        ADD COLUMN footprint_reason text,
        ADD COLUMN gnss_quality jsonb,
        ADD COLUMN footprint_version smallint NOT NULL DEFAULT 0`);
    // Captures not yet ready get their footprint when they are processed; only ready ones need the backfill.
    await db.query(`CREATE INDEX captures_footprint_backfill_idx ON captures (id) WHERE status = 'ready' AND footprint_version = 0`);
    await db.query(`
      ALTER TABLE dataset_version_files
        ADD COLUMN footprint jsonb,
        ADD COLUMN footprint_reason text,
        ADD COLUMN gnss_quality jsonb,
        ADD COLUMN time_start timestamptz,
        ADD COLUMN time_end timestamptz`);
    await db.query(`
      CREATE INDEX dataset_version_files_footprint_pending_idx ON dataset_version_files (dataset_id, version, path)
        WHERE footprint IS NULL AND footprint_reason IS NULL`);
    await db.query(`
      UPDATE dataset_version_files f SET time_start = c.time_start, time_end = c.time_end
      FROM captures c WHERE c.id = f.capture_id`);

    // The parent of an H3 cell at resolution r: the resolution field set to r, the digits below r set to 7.
    await db.query(`
      CREATE FUNCTION h3_parent(cell bigint, r integer) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT (cell & ~(15::bigint << 52)) | (r::bigint << 52) | ((1::bigint << ((15 - r) * 3)) - 1)
      $$`);
    await db.query(`
      CREATE FUNCTION h3_from_hex(hex text) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT ('x' || lpad(hex, 16, '0'))::bit(64)::bigint
      $$`);

    await db.query(`
      CREATE TABLE dataset_search_captures (
        dataset_id uuid NOT NULL,
        version integer NOT NULL,
        capture_id uuid NOT NULL,
        modality text NOT NULL,
        time_range tstzrange,
        has_footprint boolean NOT NULL,
        rtk_fixed real,
        median_hdop real,
        PRIMARY KEY (dataset_id, version, capture_id),
        FOREIGN KEY (dataset_id, version) REFERENCES dataset_versions (dataset_id, version) ON DELETE CASCADE
      )`);
    await db.query(`CREATE INDEX dataset_search_captures_time_idx ON dataset_search_captures USING gist (time_range)`);
    await db.query(`
      CREATE TABLE dataset_search_cells (
        cell bigint NOT NULL,
        dataset_id uuid NOT NULL,
        version integer NOT NULL,
        capture_id uuid NOT NULL,
        modality text NOT NULL,
        span tstzrange,
        rtk_fixed real,
        median_hdop real,
        FOREIGN KEY (dataset_id, version) REFERENCES dataset_versions (dataset_id, version) ON DELETE CASCADE
      )`);
    await db.query(`CREATE INDEX dataset_search_cells_cell_idx ON dataset_search_cells (cell) INCLUDE (dataset_id, span, modality)`);
    await db.query(`CREATE INDEX dataset_search_cells_version_idx ON dataset_search_cells (dataset_id, version)`);
    await db.query(`ALTER TABLE dataset_search_entries ADD COLUMN coverage_cells bigint[] NOT NULL DEFAULT '{}'`);
    await db.query(`
      CREATE TABLE catalog_coverage (
        res smallint NOT NULL,
        cell bigint NOT NULL,
        modality text NOT NULL,
        datasets integer NOT NULL CHECK (datasets > 0),
        PRIMARY KEY (res, cell, modality)
      )`);

    // (Re)indexes one version for search, or removes it. Coverage counts change in (res, cell, modality) order, so
    // two versions listed at once take their row locks in the same order and never deadlock.
    await db.query(`
      CREATE FUNCTION dataset_search_index_version(ds uuid, v integer, present boolean) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM 1 FROM catalog_coverage k
          WHERE (k.res, k.cell, k.modality) IN (
            SELECT r.res, h3_parent(c.cell, r.res), m.modality
            FROM dataset_search_cells c CROSS JOIN (VALUES (3), (5), (7)) AS r(res) CROSS JOIN LATERAL (VALUES (c.modality), ('*')) AS m(modality)
            WHERE c.dataset_id = ds AND c.version = v)
          ORDER BY k.res, k.cell, k.modality FOR UPDATE;
        UPDATE catalog_coverage k SET datasets = k.datasets - 1
          FROM (SELECT DISTINCT r.res, h3_parent(c.cell, r.res) AS cell, m.modality
                FROM dataset_search_cells c CROSS JOIN (VALUES (3), (5), (7)) AS r(res) CROSS JOIN LATERAL (VALUES (c.modality), ('*')) AS m(modality)
                WHERE c.dataset_id = ds AND c.version = v) gone
          WHERE k.res = gone.res AND k.cell = gone.cell AND k.modality = gone.modality AND k.datasets > 1;
        DELETE FROM catalog_coverage k
          USING (SELECT DISTINCT r.res, h3_parent(c.cell, r.res) AS cell, m.modality
                 FROM dataset_search_cells c CROSS JOIN (VALUES (3), (5), (7)) AS r(res) CROSS JOIN LATERAL (VALUES (c.modality), ('*')) AS m(modality)
                 WHERE c.dataset_id = ds AND c.version = v) gone
          WHERE k.res = gone.res AND k.cell = gone.cell AND k.modality = gone.modality AND k.datasets = 1;
        DELETE FROM dataset_search_cells WHERE dataset_id = ds AND version = v;
        DELETE FROM dataset_search_captures WHERE dataset_id = ds AND version = v;
        IF NOT present THEN
          RETURN;
        END IF;
        INSERT INTO dataset_search_captures (dataset_id, version, capture_id, modality, time_range, has_footprint, rtk_fixed, median_hdop)
          SELECT f.dataset_id, f.version, f.capture_id, f.modality,
                 CASE WHEN f.time_start IS NULL THEN NULL ELSE tstzrange(f.time_start, COALESCE(f.time_end, f.time_start), '[]') END,
                 f.footprint IS NOT NULL, (f.gnss_quality->>'rtkFixed')::real, (f.gnss_quality->>'medianHdop')::real
          FROM dataset_version_files f WHERE f.dataset_id = ds AND f.version = v;
        INSERT INTO dataset_search_cells (cell, dataset_id, version, capture_id, modality, span, rtk_fixed, median_hdop)
          SELECT h3_from_hex(c->>'h3'), f.dataset_id, f.version, f.capture_id, f.modality,
                 CASE WHEN c->>'start' IS NULL THEN NULL
                      ELSE tstzrange((c->>'start')::timestamptz, COALESCE(c->>'end', c->>'start')::timestamptz, '[]') END,
                 (f.gnss_quality->>'rtkFixed')::real, (f.gnss_quality->>'medianHdop')::real
          FROM dataset_version_files f CROSS JOIN jsonb_array_elements(f.footprint->'cells') AS c
          WHERE f.dataset_id = ds AND f.version = v AND jsonb_typeof(f.footprint->'cells') = 'array';
        INSERT INTO catalog_coverage (res, cell, modality, datasets)
          SELECT DISTINCT r.res, h3_parent(c.cell, r.res), m.modality, 1
          FROM dataset_search_cells c CROSS JOIN (VALUES (3), (5), (7)) AS r(res) CROSS JOIN LATERAL (VALUES (c.modality), ('*')) AS m(modality)
          WHERE c.dataset_id = ds AND c.version = v ORDER BY 1, 2, 3
          ON CONFLICT (res, cell, modality) DO UPDATE SET datasets = catalog_coverage.datasets + 1;
        UPDATE dataset_search_entries e SET coverage_cells = ARRAY(
            SELECT DISTINCT h3_parent(c.cell, 6) FROM dataset_search_cells c WHERE c.dataset_id = ds AND c.version = v ORDER BY 1 LIMIT 2000)
          WHERE e.dataset_id = ds AND e.version = v;
      END $$`);
    // Deferred to commit: a version is inserted listed before its files are, and may be listed and unlisted again in
    // one transaction; at commit the files are there and the row says whether it is listed.
    await db.query(`
      CREATE FUNCTION dataset_search_index_sync() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM dataset_search_index_version(NEW.dataset_id, NEW.version,
          COALESCE((SELECT listed FROM dataset_versions WHERE dataset_id = NEW.dataset_id AND version = NEW.version), false));
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE CONSTRAINT TRIGGER dataset_versions_search_index AFTER INSERT OR UPDATE OF listed ON dataset_versions
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dataset_search_index_sync()`);
    // Versions listed before footprints: their captures' time ranges index now; their cells come with the backfill.
    await db.query(`SELECT dataset_search_index_version(dataset_id, version, true) FROM dataset_versions WHERE listed`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER dataset_versions_search_index ON dataset_versions`);
    await db.query(`DROP FUNCTION dataset_search_index_sync()`);
    await db.query(`DROP FUNCTION dataset_search_index_version(uuid, integer, boolean)`);
    await db.query(`DROP TABLE catalog_coverage`);
    await db.query(`ALTER TABLE dataset_search_entries DROP COLUMN coverage_cells`);
    await db.query(`DROP TABLE dataset_search_cells`);
    await db.query(`DROP TABLE dataset_search_captures`);
    await db.query(`DROP FUNCTION h3_from_hex(text)`);
    await db.query(`DROP FUNCTION h3_parent(bigint, integer)`);
    await db.query(`DROP INDEX dataset_version_files_footprint_pending_idx`);
    await db.query(`
      ALTER TABLE dataset_version_files
        DROP COLUMN footprint, DROP COLUMN footprint_reason, DROP COLUMN gnss_quality, DROP COLUMN time_start, DROP COLUMN time_end`);
    await db.query(`DROP INDEX captures_footprint_backfill_idx`);
    await db.query(`
      ALTER TABLE captures DROP COLUMN footprint, DROP COLUMN footprint_reason, DROP COLUMN gnss_quality, DROP COLUMN footprint_version`);
  }
}
