import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a sale's split was weighted by, when it was not the version's frozen contributor weights (issue 13): a slice
 * sale pays only the contributors of its files, by what each delivered in the unit the slice was priced by.
 * `{ "kind": "slice", "unit": "km" | "hour" | "gb", "delivered": { "<contributor id>": "<metres | ms | bytes>" } }`;
 * null for a sale of the whole version. Written with the split, never changed.
 */
export class SplitBasis1764892806300 implements MigrationInterface {
  name = 'SplitBasis1764892806300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE revenue_splits ADD COLUMN basis jsonb CHECK (basis IS NULL OR basis->>'kind' = 'slice')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE revenue_splits DROP COLUMN basis`);
  }
}
