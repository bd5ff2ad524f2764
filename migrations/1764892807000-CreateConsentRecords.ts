import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent of contributors to the datasets that hold their captures (issue 16): grants (signed by the contributor's
 * wallet, or by their session) and declines with a reason. Append-only, like the custody log each row is chained
 * into (custody_seq names the entry that carries its hash); a later record of the same contributor supersedes an
 * earlier one. `hash` is the grant hash of consent-grant.ts (a decline's is the hash of its fields).
 */
export class CreateConsentRecords1764892807000 implements MigrationInterface {
  name = 'CreateConsentRecords1764892807000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE consent_records (
        id uuid PRIMARY KEY,
        dataset_id uuid NOT NULL REFERENCES datasets (id),
        contributor_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('grant', 'decline')),
        capture_ids uuid[] NOT NULL,
        fields jsonb NOT NULL,
        method text CHECK (method IN ('wallet', 'session')),
        signer text,
        message text,
        signature text,
        reason text,
        expires_at timestamptz,
        hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
        custody_seq integer NOT NULL,
        created_at timestamptz NOT NULL,
        CHECK ((kind = 'grant') = (method IS NOT NULL AND signer IS NOT NULL AND message IS NOT NULL AND expires_at IS NOT NULL)),
        CHECK ((method = 'wallet') = (signature IS NOT NULL)),
        CHECK ((kind = 'decline') = (reason IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX consent_records_dataset_idx ON consent_records (dataset_id, contributor_id, created_at)`);
    await db.query(`CREATE INDEX consent_records_contributor_idx ON consent_records (contributor_id, created_at)`);
    await db.query(`
      CREATE FUNCTION consent_records_never_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'consent records are append-only (record %)', OLD.id USING ERRCODE = 'check_violation';
      END $$`);
    await db.query(
      `CREATE TRIGGER consent_records_append_only BEFORE UPDATE OR DELETE ON consent_records FOR EACH ROW EXECUTE FUNCTION consent_records_never_change()`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE consent_records`);
    await db.query(`DROP FUNCTION consent_records_never_change()`);
  }
}
