import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCapturesAndNetworks1764374400001 implements MigrationInterface {
  name = 'CreateCapturesAndNetworks1764374400001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE networks (
        slug text PRIMARY KEY CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
        name text NOT NULL,
        public_key text NOT NULL,
        staging_prefix text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE captures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id),
        status text NOT NULL CHECK (status IN ('uploading', 'processing', 'ready', 'rejected')),
        filename text NOT NULL,
        declared_size_bytes bigint NOT NULL CHECK (declared_size_bytes > 0),
        declared_sha256 text NOT NULL CHECK (declared_sha256 ~ '^[0-9a-f]{64}$'),
        declared_modality text,
        captured_at timestamptz,
        device_id text,
        device_public_key text,
        device_signature text,
        device_signature_valid boolean,
        object_key text NOT NULL UNIQUE,
        upload_id text,
        part_size_bytes integer,
        part_count integer,
        network text REFERENCES networks (slug),
        external_id text,
        size_bytes bigint,
        sha256 text,
        format text,
        modality text CHECK (modality IN ('video', 'pointcloud', 'mesh', 'telemetry', 'gnss')),
        time_start timestamptz,
        time_end timestamptz,
        min_lon double precision,
        min_lat double precision,
        max_lon double precision,
        max_lat double precision,
        duration_seconds double precision,
        metadata jsonb,
        rejection_code text,
        rejection_reason text,
        processed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT captures_network_external_id_key UNIQUE (network, external_id),
        CONSTRAINT captures_network_has_external_id CHECK ((network IS NULL) = (external_id IS NULL))
      )`);
    await db.query(`CREATE INDEX captures_owner_idx ON captures (owner_id, created_at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE captures`);
    await db.query(`DROP TABLE networks`);
  }
}
