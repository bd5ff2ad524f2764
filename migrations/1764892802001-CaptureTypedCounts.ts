import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A whole number stored as JSON text in `metadata`, or NULL. */
const count = (path: string) => `CASE WHEN jsonb_typeof(${path}) = 'number' AND (${path})::text ~ '^[0-9]{1,18}$' THEN (${path})::text::bigint END`;

/**
 * A probe's counts (points, vertices, messages, rows, epochs, frames, fixes) as typed capture columns instead of
 * format-specific keys inside `metadata`, filled for existing captures from the keys each probe wrote.
 */
export class CaptureTypedCounts1764892802001 implements MigrationInterface {
  name = 'CaptureTypedCounts1764892802001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE captures
        ADD COLUMN point_count bigint CHECK (point_count >= 0),
        ADD COLUMN vertex_count bigint CHECK (vertex_count >= 0),
        ADD COLUMN message_count bigint CHECK (message_count >= 0),
        ADD COLUMN row_count bigint CHECK (row_count >= 0),
        ADD COLUMN epoch_count bigint CHECK (epoch_count >= 0),
        ADD COLUMN frame_count bigint CHECK (frame_count >= 0),
        ADD COLUMN fix_count bigint CHECK (fix_count >= 0)`);
    await db.query(`
      UPDATE captures SET
        point_count = CASE
          WHEN format IN ('las', 'laz', 'e57') THEN ${count("metadata->'pointCount'")}
          WHEN format = 'pcd' THEN ${count("metadata->'points'")}
          WHEN format = 'ply' AND modality = 'pointcloud' THEN ${count("metadata->'vertexCount'")}
        END,
        vertex_count = CASE
          WHEN format IN ('gltf', 'glb') OR (format = 'ply' AND modality = 'mesh') THEN ${count("metadata->'vertexCount'")}
        END,
        message_count = CASE WHEN format IN ('mcap', 'rosbag1') THEN ${count("metadata->'messageCount'")} END,
        row_count = CASE
          WHEN format = 'csv' THEN ${count("metadata->'rows'")}
          WHEN format = 'jsonl' THEN ${count("metadata->'records'")}
        END,
        epoch_count = CASE WHEN format = 'rinex' THEN ${count("metadata->'epochs'")} END,
        frame_count = CASE
          WHEN format = 'dji-srt' THEN ${count("metadata->'frames'")}
          WHEN format IN ('mp4', 'mov') THEN (
            SELECT ${count("track->'sampleCount'")} FROM jsonb_array_elements(
              CASE WHEN jsonb_typeof(metadata->'tracks') = 'array' THEN metadata->'tracks' ELSE '[]'::jsonb END
            ) AS track
            WHERE track->>'handler' = 'vide' LIMIT 1)
        END,
        fix_count = CASE
          WHEN format = 'nmea' THEN ${count("metadata->'fixCount'")}
          WHEN format = 'gpx' THEN ${count("metadata->'points'")}
        END
      WHERE status = 'ready' AND metadata IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE captures
        DROP COLUMN point_count, DROP COLUMN vertex_count, DROP COLUMN message_count, DROP COLUMN row_count,
        DROP COLUMN epoch_count, DROP COLUMN frame_count, DROP COLUMN fix_count`);
  }
}
