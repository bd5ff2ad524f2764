import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16: an admin may take captures down from a published dataset on a request (a privacy takedown, a legal one), as
 * a contributor withdraws them. It is recorded among the consent records (kind `takedown`, `contributor_id` the admin,
 * with a reason), so buyers' notices and the public record read it with the withdrawals. The table's unnamed checks on
 * `kind` and `reason` are replaced by named ones that admit it.
 */
export class ConsentTakedowns1764892807200 implements MigrationInterface {
  name = 'ConsentTakedowns1764892807200';

  async up(db: QueryRunner): Promise<void> {
    await dropChecksMentioning(db, ["'withdrawal'"]);
    await db.query(`ALTER TABLE consent_records ADD CONSTRAINT consent_records_kind CHECK (kind IN ('grant', 'decline', 'withdrawal', 'takedown'))`);
    await db.query(
      `ALTER TABLE consent_records ADD CONSTRAINT consent_records_reason CHECK ((kind IN ('decline', 'withdrawal', 'takedown')) = (reason IS NOT NULL))`,
    );
    await db.query(`CREATE INDEX consent_records_take_outs_idx ON consent_records (created_at) WHERE kind IN ('withdrawal', 'takedown')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX consent_records_take_outs_idx`);
    await db.query(`ALTER TABLE consent_records DROP CONSTRAINT consent_records_kind, DROP CONSTRAINT consent_records_reason`);
    await db.query(`ALTER TABLE consent_records ADD CHECK (kind IN ('grant', 'decline', 'withdrawal'))`);
    await db.query(`ALTER TABLE consent_records ADD CHECK ((kind IN ('decline', 'withdrawal')) = (reason IS NOT NULL))`);
  }
}

/** Drops the checks of consent_records whose definition holds every one of the fragments. */
async function dropChecksMentioning(db: QueryRunner, fragments: string[]): Promise<void> {
  const checks = (await db.query(
    `SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = 'consent_records'::regclass AND contype = 'c'`,
  )) as { conname: string; definition: string }[];
  for (const check of checks) {
    if (fragments.every((fragment) => check.definition.includes(fragment))) {
      await db.query(`ALTER TABLE consent_records DROP CONSTRAINT "${check.conname}"`);
    }
  }
}
