import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16: each licence template says whether a contributor's withdrawal ends the buyer's right to the withdrawn files
 * (`terms.revocableOnWithdrawal`). The seeded templates: research and internal-use licences are revocable (a research
 * group or a fixed team can delete a file), licences sold for training products are not (a trained model cannot
 * forget). Templates admins added keep their buyers' files (false). Open datasets take their template's value, so their
 * next version carries it; published versions and orders keep the terms they were frozen with (absent reads as false).
 *
 * Certificates reissued after a withdrawal supersede the one before: the earlier ones are kept here, append-only, so
 * each certificate a buyer was ever handed still verifies and can be shown superseded.
 */
const REVOCABLE = ['research-only', 'commercial-no-resale'];

export class RevocableOnWithdrawal1764892807100 implements MigrationInterface {
  name = 'RevocableOnWithdrawal1764892807100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `UPDATE licence_templates SET terms = terms || jsonb_build_object('revocableOnWithdrawal', slug = ANY($1::text[])), updated_at = now()
        WHERE NOT terms ? 'revocableOnWithdrawal'`,
      [REVOCABLE],
    );
    await db.query(`
      UPDATE datasets d SET licence_terms = d.licence_terms || jsonb_build_object('revocableOnWithdrawal', t.terms -> 'revocableOnWithdrawal')
        FROM licence_templates t
       WHERE t.id = d.licence_template_id AND NOT d.licence_terms ? 'revocableOnWithdrawal'`);
    await db.query(`
      CREATE TABLE superseded_certificates (
        id uuid PRIMARY KEY,
        entitlement_id uuid NOT NULL REFERENCES entitlements (id),
        order_id uuid NOT NULL,
        payload text NOT NULL,
        signature text NOT NULL,
        public_key text NOT NULL,
        reason text NOT NULL,
        superseded_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX superseded_certificates_order_idx ON superseded_certificates (order_id, superseded_at)`);
    await db.query(`
      CREATE FUNCTION superseded_certificates_never_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'superseded certificates are append-only (row %)', OLD.id USING ERRCODE = 'check_violation';
      END $$`);
    await db.query(
      `CREATE TRIGGER superseded_certificates_append_only BEFORE UPDATE OR DELETE ON superseded_certificates FOR EACH ROW EXECUTE FUNCTION superseded_certificates_never_change()`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE superseded_certificates`);
    await db.query(`DROP FUNCTION superseded_certificates_never_change()`);
    await db.query(`UPDATE datasets SET licence_terms = licence_terms - 'revocableOnWithdrawal'`);
    await db.query(`UPDATE licence_templates SET terms = terms - 'revocableOnWithdrawal'`);
  }
}
