import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A narrow copy of the listed version of every dataset, holding only what search filters and sorts on (issue 4:
 * relevance search on common words read ~11,500 wide dataset_versions pages - licence text, terms, contributors - to
 * rank ~12,500 hits; the narrow rows fit ~20 to a page, so the same hits read about a quarter of the pages).
 *
 * - One row per dataset (PRIMARY KEY dataset_id), for its listed version; rows point at that version, and search joins
 *   back to dataset_versions only for the page it returns.
 * - Kept in sync by a trigger on dataset_versions, in the same transaction as the change: a version inserted listed,
 *   or whose `listed` flips (publish, takedown, reinstate), adds or removes its row. Versions are otherwise immutable
 *   (only `listed` ever changes), so INSERT and UPDATE OF listed cover every way a row's search data can change.
 * - The search indexes move here from dataset_versions (they were partial on `listed`; every row here is listed):
 *   GiST (bbox, time_range), GIN search_vector / modalities / networks, B-trees for newest and price with the id.
 */
export class CreateDatasetSearchEntries1764806400300 implements MigrationInterface {
  name = 'CreateDatasetSearchEntries1764806400300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE dataset_search_entries (
        dataset_id uuid PRIMARY KEY,
        version integer NOT NULL,
        search_vector tsvector NOT NULL,
        modalities text[] NOT NULL,
        networks text[] NOT NULL,
        bbox box,
        time_range tstzrange,
        licence_slug text NOT NULL,
        price_usd_cents bigint NOT NULL,
        published_at timestamptz NOT NULL,
        FOREIGN KEY (dataset_id, version) REFERENCES dataset_versions (dataset_id, version) ON DELETE CASCADE
      )`);
    await db.query(`
      CREATE FUNCTION dataset_search_entries_sync() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.listed AND NOT NEW.listed THEN
          DELETE FROM dataset_search_entries WHERE dataset_id = OLD.dataset_id AND version = OLD.version;
        ELSIF NEW.listed AND (TG_OP = 'INSERT' OR NOT OLD.listed) THEN
          INSERT INTO dataset_search_entries (dataset_id, version, search_vector, modalities, networks, bbox, time_range,
              licence_slug, price_usd_cents, published_at)
            VALUES (NEW.dataset_id, NEW.version, NEW.search_vector, NEW.modalities, NEW.networks, NEW.bbox, NEW.time_range,
              NEW.licence_slug, NEW.price_usd_cents, NEW.published_at);
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER dataset_versions_search_sync AFTER INSERT OR UPDATE OF listed ON dataset_versions
        FOR EACH ROW EXECUTE FUNCTION dataset_search_entries_sync()`);
    await db.query(`
      INSERT INTO dataset_search_entries (dataset_id, version, search_vector, modalities, networks, bbox, time_range,
          licence_slug, price_usd_cents, published_at)
        SELECT dataset_id, version, search_vector, modalities, networks, bbox, time_range, licence_slug, price_usd_cents, published_at
        FROM dataset_versions WHERE listed`);
    await db.query(`CREATE INDEX dataset_search_entries_space_time_idx ON dataset_search_entries USING gist (bbox, time_range)`);
    await db.query(`CREATE INDEX dataset_search_entries_text_idx ON dataset_search_entries USING gin (search_vector)`);
    await db.query(`CREATE INDEX dataset_search_entries_modalities_idx ON dataset_search_entries USING gin (modalities)`);
    await db.query(`CREATE INDEX dataset_search_entries_networks_idx ON dataset_search_entries USING gin (networks)`);
    await db.query(`CREATE INDEX dataset_search_entries_newest_idx ON dataset_search_entries (published_at DESC, dataset_id DESC)`);
    await db.query(`CREATE INDEX dataset_search_entries_price_idx ON dataset_search_entries (price_usd_cents, dataset_id)`);
    for (const name of ['space_time', 'text', 'modalities', 'networks', 'newest', 'price']) {
      await db.query(`DROP INDEX dataset_versions_${name}_idx`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX dataset_versions_space_time_idx ON dataset_versions USING gist (bbox, time_range) WHERE listed`);
    await db.query(`CREATE INDEX dataset_versions_text_idx ON dataset_versions USING gin (search_vector) WHERE listed`);
    await db.query(`CREATE INDEX dataset_versions_modalities_idx ON dataset_versions USING gin (modalities) WHERE listed`);
    await db.query(`CREATE INDEX dataset_versions_networks_idx ON dataset_versions USING gin (networks) WHERE listed`);
    await db.query(`CREATE INDEX dataset_versions_newest_idx ON dataset_versions (published_at DESC, dataset_id DESC) WHERE listed`);
    await db.query(`CREATE INDEX dataset_versions_price_idx ON dataset_versions (price_usd_cents, dataset_id) WHERE listed`);
    await db.query(`DROP TRIGGER dataset_versions_search_sync ON dataset_versions`);
    await db.query(`DROP FUNCTION dataset_search_entries_sync()`);
    await db.query(`DROP TABLE dataset_search_entries`);
  }
}
