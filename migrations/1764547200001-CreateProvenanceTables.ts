import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProvenanceTables1764547200001 implements MigrationInterface {
  name = 'CreateProvenanceTables1764547200001';

  async up(db: QueryRunner): Promise<void> {
    // The hash-chained custody log (src/provenance/custody-log.ts). The primary key is the backstop of the
    // per-dataset advisory lock: two appends can never both take the same seq.
    await db.query(`
      CREATE TABLE custody_records (
        dataset_id uuid NOT NULL,
        seq integer NOT NULL CHECK (seq >= 1),
        kind text NOT NULL,
        actor_id text NOT NULL,
        at timestamptz NOT NULL,
        details jsonb NOT NULL,
        prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        PRIMARY KEY (dataset_id, seq)
      )`);
    // Outbox of on-chain anchors, one per dataset version. The reference is chosen when the row is written, before
    // any send, so every attempt can first look for a transaction an earlier attempt landed.
    await db.query(`
      CREATE TABLE provenance_anchors (
        id uuid PRIMARY KEY,
        dataset_id uuid NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        merkle_root text NOT NULL CHECK (merkle_root ~ '^[0-9a-f]{64}$'),
        memo text NOT NULL,
        reference text NOT NULL UNIQUE,
        requested_by text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed')),
        cluster text,
        signature text UNIQUE,
        slot bigint,
        confirmed_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        last_sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (dataset_id, version),
        CHECK ((status = 'confirmed') = (signature IS NOT NULL AND slot IS NOT NULL AND cluster IS NOT NULL AND confirmed_at IS NOT NULL))
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE provenance_anchors`);
    await db.query(`DROP TABLE custody_records`);
  }
}
