import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Previews of a capture (issue 14): made by the `capture.preview` job after the capture is verified, remade when the
 * capture is reprocessed or the preview code's version grows. `content` is what the page draws (tables, plots, tracks,
 * the names of derived files); the derived files (thumbnails, clip, renderings, viewer points) live in object
 * storage under `previews/<capture id>/`. One row per capture; `version` says which generator made it.
 */
export class CapturePreviews1764892806900 implements MigrationInterface {
  name = 'CapturePreviews1764892806900';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE capture_previews (
        capture_id uuid PRIMARY KEY REFERENCES captures(id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('ready', 'failed')),
        version smallint NOT NULL,
        kind text NOT NULL,
        content jsonb,
        files text[] NOT NULL DEFAULT '{}',
        reason text,
        generated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE capture_previews`);
  }
}
