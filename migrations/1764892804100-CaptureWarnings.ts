import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A probe's warnings (inconsistencies inside a readable file: a header count or time that disagrees with the body, a
 * statistics record that counts differently) as a typed column, shown to the contributor and the reviewer, instead of
 * an ad-hoc `warnings` key inside `metadata`; existing captures get the warnings their probe put there.
 */
export class CaptureWarnings1764892804100 implements MigrationInterface {
  name = 'CaptureWarnings1764892804100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE captures ADD COLUMN warnings text[] NOT NULL DEFAULT '{}'`);
    await db.query(`
      UPDATE captures SET
        warnings = ARRAY(SELECT jsonb_array_elements_text(metadata->'warnings')),
        metadata = metadata - 'warnings'
      WHERE jsonb_typeof(metadata->'warnings') = 'array'
        AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(metadata->'warnings') AS w WHERE jsonb_typeof(w) <> 'string')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      UPDATE captures SET metadata = COALESCE(metadata, '{}'::jsonb) || jsonb_build_object('warnings', to_jsonb(warnings))
      WHERE cardinality(warnings) > 0`);
    await db.query(`ALTER TABLE captures DROP COLUMN warnings`);
  }
}
