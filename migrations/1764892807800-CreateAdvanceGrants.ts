import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Advance consent grants (issue 16): a contributor lets their captures be used, without being asked per dataset, in any
 * dataset that takes them from one network or that one curator makes, within licences, uses, territory, a minimum
 * share and price, until an expiry. Append-only like consent_records: a grant is revoked by a later row of
 * advance_grant_revocations, never changed. Consent records gain method `advance`: the per-dataset grant a draft's
 * clearance derives from an advance grant (its fields name the advance grant's hash).
 */
export class CreateAdvanceGrants1764892807800 implements MigrationInterface {
  name = 'CreateAdvanceGrants1764892807800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE advance_grants (
        id uuid PRIMARY KEY,
        contributor_id uuid NOT NULL REFERENCES users (id),
        network text,
        curator_id uuid REFERENCES users (id),
        fields jsonb NOT NULL,
        method text NOT NULL CHECK (method IN ('wallet', 'session')),
        signer text NOT NULL,
        message text NOT NULL,
        signature text,
        source text NOT NULL CHECK (source IN ('contributor', 'network-batch')),
        expires_at timestamptz NOT NULL,
        hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL,
        CONSTRAINT advance_grants_one_target CHECK ((network IS NULL) <> (curator_id IS NULL)),
        CONSTRAINT advance_grants_signature CHECK ((method = 'wallet') = (signature IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX advance_grants_contributor_idx ON advance_grants (contributor_id, expires_at)`);
    await db.query(`
      CREATE TABLE advance_grant_revocations (
        id uuid PRIMARY KEY,
        grant_id uuid NOT NULL UNIQUE REFERENCES advance_grants (id),
        contributor_id uuid NOT NULL REFERENCES users (id),
        reason text,
        hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION advance_grants_never_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'advance grants and their revocations are append-only (row %)', OLD.id USING ERRCODE = 'check_violation';
      END $$`);
    for (const table of ['advance_grants', 'advance_grant_revocations']) {
      await db.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION advance_grants_never_change()`,
      );
    }
    await dropMethodCheck(db);
    await db.query(`ALTER TABLE consent_records ADD CONSTRAINT consent_records_method CHECK (method IN ('wallet', 'session', 'advance'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE consent_records DROP CONSTRAINT consent_records_method`);
    await db.query(`ALTER TABLE consent_records ADD CHECK (method IN ('wallet', 'session'))`);
    await db.query(`DROP TABLE advance_grant_revocations`);
    await db.query(`DROP TABLE advance_grants`);
    await db.query(`DROP FUNCTION advance_grants_never_change()`);
  }
}

/** Drops the unnamed check of consent_records that admits only the wallet and session methods. */
async function dropMethodCheck(db: QueryRunner): Promise<void> {
  const checks = (await db.query(
    `SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = 'consent_records'::regclass AND contype = 'c'`,
  )) as { conname: string; definition: string }[];
  for (const check of checks) {
    if (check.definition.includes("'session'") && !check.definition.includes('signature')) {
      await db.query(`ALTER TABLE consent_records DROP CONSTRAINT "${check.conname}"`);
    }
  }
}
