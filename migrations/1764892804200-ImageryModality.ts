import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `imagery`: captures that hold images and no points (an E57 file with only images2D). */
export class ImageryModality1764892804200 implements MigrationInterface {
  name = 'ImageryModality1764892804200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE captures
        DROP CONSTRAINT captures_modality_check,
        ADD CONSTRAINT captures_modality_check CHECK (modality IN ('video', 'pointcloud', 'mesh', 'telemetry', 'gnss', 'imagery'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE captures
        DROP CONSTRAINT captures_modality_check,
        ADD CONSTRAINT captures_modality_check CHECK (modality IN ('video', 'pointcloud', 'mesh', 'telemetry', 'gnss')) NOT VALID`);
  }
}
