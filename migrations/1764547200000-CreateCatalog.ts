import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Datasets (the editable draft), their frozen versions with file manifests, and the review audit log.
 *
 * Search runs over `dataset_versions WHERE listed` (the latest published version of each dataset that is not taken
 * down), so every search index is partial on `listed`:
 * - GiST on (bbox, time_range): built-in `box` and `tstzrange` types, no PostGIS; `&&` answers both the bbox
 *   intersection and the time-range overlap from one index.
 * - GIN on search_vector (full text over title, tags, description, weighted A/B/C), on modalities and networks.
 * - B-trees on (published_at, dataset_id) and (price_usd_cents, dataset_id) for the sort orders and keyset paging.
 * bench/catalog-search.ts seeds 100,000 datasets and prints the EXPLAIN plans that justify these.
 */
export class CreateCatalog1764547200000 implements MigrationInterface {
  name = 'CreateCatalog1764547200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE datasets (
        id uuid PRIMARY KEY,
        owner_id uuid NOT NULL REFERENCES users (id),
        title text NOT NULL,
        description text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        capture_ids uuid[] NOT NULL,
        sample_capture_ids uuid[] NOT NULL DEFAULT '{}',
        licence_template_id uuid NOT NULL REFERENCES licence_templates (id),
        licence_terms jsonb NOT NULL,
        price_usd_cents bigint NOT NULL CHECK (price_usd_cents > 0),
        declarations jsonb NOT NULL,
        split_policy jsonb,
        draft_state text CHECK (draft_state IN ('editing', 'in_review', 'changes_requested', 'rejected')),
        draft_revision integer NOT NULL DEFAULT 1,
        submitted_at timestamptz,
        latest_version integer,
        taken_down_at timestamptz,
        takedown_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (draft_state IS NOT NULL OR latest_version IS NOT NULL)
      )`);
    await db.query(`CREATE INDEX datasets_owner_idx ON datasets (owner_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX datasets_review_queue_idx ON datasets (submitted_at, id) WHERE draft_state = 'in_review'`);

    await db.query(`
      CREATE TABLE dataset_versions (
        dataset_id uuid NOT NULL REFERENCES datasets (id),
        version integer NOT NULL CHECK (version > 0),
        owner_id uuid NOT NULL REFERENCES users (id),
        title text NOT NULL,
        description text NOT NULL,
        tags text[] NOT NULL,
        modalities text[] NOT NULL,
        networks text[] NOT NULL,
        licence_template_id uuid NOT NULL REFERENCES licence_templates (id),
        licence_slug text NOT NULL,
        licence_name text NOT NULL,
        licence_terms jsonb NOT NULL,
        licence_text text NOT NULL,
        exclusive boolean NOT NULL,
        price_usd_cents bigint NOT NULL CHECK (price_usd_cents > 0),
        declarations jsonb NOT NULL,
        split_policy jsonb,
        contributors jsonb NOT NULL,
        sample_files jsonb NOT NULL,
        min_lon double precision,
        min_lat double precision,
        max_lon double precision,
        max_lat double precision,
        bbox box,
        time_start timestamptz,
        time_end timestamptz,
        time_range tstzrange,
        file_count integer NOT NULL,
        total_bytes bigint NOT NULL,
        total_duration_seconds double precision NOT NULL,
        total_points bigint NOT NULL,
        total_messages bigint NOT NULL,
        merkle_root text NOT NULL CHECK (merkle_root ~ '^[0-9a-f]{64}$'),
        search_vector tsvector NOT NULL,
        listed boolean NOT NULL DEFAULT false,
        published_at timestamptz NOT NULL,
        approved_by uuid NOT NULL REFERENCES users (id),
        PRIMARY KEY (dataset_id, version)
      )`);
    // At most one listed version per dataset.
    await db.query(`CREATE UNIQUE INDEX dataset_versions_one_listed ON dataset_versions (dataset_id) WHERE listed`);
    await db.query(`CREATE INDEX dataset_versions_space_time_idx ON dataset_versions USING gist (bbox, time_range) WHERE listed`);
    await db.query(`CREATE INDEX dataset_versions_text_idx ON dataset_versions USING gin (search_vector) WHERE listed`);
    await db.query(`CREATE INDEX dataset_versions_modalities_idx ON dataset_versions USING gin (modalities) WHERE listed`);
    await db.query(`CREATE INDEX dataset_versions_networks_idx ON dataset_versions USING gin (networks) WHERE listed`);
    await db.query(`CREATE INDEX dataset_versions_newest_idx ON dataset_versions (published_at DESC, dataset_id DESC) WHERE listed`);
    await db.query(`CREATE INDEX dataset_versions_price_idx ON dataset_versions (price_usd_cents, dataset_id) WHERE listed`);

    await db.query(`
      CREATE TABLE dataset_version_files (
        dataset_id uuid NOT NULL,
        version integer NOT NULL,
        path text NOT NULL,
        leaf_index integer NOT NULL,
        capture_id uuid NOT NULL REFERENCES captures (id),
        contributor_id uuid NOT NULL REFERENCES users (id),
        object_key text NOT NULL,
        size_bytes bigint NOT NULL,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        modality text NOT NULL,
        format text NOT NULL,
        device_signature_valid boolean,
        metadata jsonb NOT NULL,
        PRIMARY KEY (dataset_id, version, path),
        UNIQUE (dataset_id, version, leaf_index),
        FOREIGN KEY (dataset_id, version) REFERENCES dataset_versions (dataset_id, version)
      )`);
    await db.query(`CREATE INDEX dataset_version_files_capture_idx ON dataset_version_files (capture_id)`);
    await db.query(`CREATE INDEX dataset_version_files_contributor_idx ON dataset_version_files (contributor_id)`);

    await db.query(`
      CREATE TABLE dataset_review_events (
        id uuid PRIMARY KEY,
        dataset_id uuid NOT NULL REFERENCES datasets (id),
        actor_id uuid NOT NULL REFERENCES users (id),
        action text NOT NULL CHECK (action IN ('created', 'updated', 'submitted', 'approved', 'rejected', 'changes-requested', 'taken-down', 'reinstated')),
        draft_revision integer,
        version integer,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX dataset_review_events_dataset_idx ON dataset_review_events (dataset_id, created_at, id)`);
    await db.query(`CREATE INDEX dataset_review_events_time_idx ON dataset_review_events (created_at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE dataset_review_events`);
    await db.query(`DROP TABLE dataset_version_files`);
    await db.query(`DROP TABLE dataset_versions`);
    await db.query(`DROP TABLE datasets`);
  }
}
