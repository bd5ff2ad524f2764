import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search that stays fast when a common word matches thousands of datasets (issue 12's performance targets).
 *
 * - Relevance is by field: a dataset whose title alone satisfies the query ranks first, then one whose title and tags
 *   do, then one that needs its description; newest first within each. Each tier is its own indexed column (generated
 *   from search_vector with ts_filter, so the listing trigger keeps them for free), with its own GIN index and its own
 *   statistics: a tier is then an index walk in published order that stops after one page, or a GIN bitmap when the
 *   tier is rare, instead of ranking every match as ts_rank must.
 * - coverage_outline: the GeoJSON outline a search hit draws, made once from coverage_cells (by the catalogue's
 *   footprint-sync job) instead of on every request; cleared whenever coverage_cells changes, so it is never stale
 *   (the API draws it from the cells until the job has made it).
 */
export class SearchTiersAndOutlines1764892805100 implements MigrationInterface {
  name = 'SearchTiersAndOutlines1764892805100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE dataset_search_entries
        ADD COLUMN title_vector tsvector GENERATED ALWAYS AS (ts_filter(search_vector, '{a}')) STORED,
        ADD COLUMN title_tags_vector tsvector GENERATED ALWAYS AS (ts_filter(search_vector, '{a,b}')) STORED,
        ADD COLUMN coverage_outline jsonb`);
    await db.query(`CREATE INDEX dataset_search_entries_title_idx ON dataset_search_entries USING gin (title_vector)`);
    await db.query(`CREATE INDEX dataset_search_entries_title_tags_idx ON dataset_search_entries USING gin (title_tags_vector)`);
    await db.query(`CREATE INDEX dataset_search_entries_outline_pending_idx ON dataset_search_entries (dataset_id, version)
      WHERE coverage_outline IS NULL AND coverage_cells <> '{}'`);
    await db.query(`
      CREATE FUNCTION dataset_search_entries_outline_reset() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.coverage_cells IS DISTINCT FROM OLD.coverage_cells THEN
          NEW.coverage_outline := NULL;
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER dataset_search_entries_outline_reset BEFORE UPDATE ON dataset_search_entries
      FOR EACH ROW EXECUTE FUNCTION dataset_search_entries_outline_reset()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER dataset_search_entries_outline_reset ON dataset_search_entries`);
    await db.query(`DROP FUNCTION dataset_search_entries_outline_reset()`);
    await db.query(`ALTER TABLE dataset_search_entries DROP COLUMN title_vector, DROP COLUMN title_tags_vector, DROP COLUMN coverage_outline`);
  }
}
