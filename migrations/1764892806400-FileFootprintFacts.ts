import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The few facts of a version file's footprint that quotes read for every file (length, bbox, vertices of the map
 * geometry), kept beside the footprint as stored generated columns. The footprint itself is kilobytes of compressed
 * JSON (its H3 cells with their time spans); a whole-dataset quote of a 10,000-file version decompressed all of them
 * to read three numbers each. PostgreSQL computes the columns from the footprint on every write (a backfilled footprint
 * included), so they can never disagree with it.
 */
export class FileFootprintFacts1764892806400 implements MigrationInterface {
  name = 'FileFootprintFacts1764892806400';

  async up(db: QueryRunner): Promise<void> {
    // Vertices of a GeoJSON geometry of the kinds footprints have (Point, MultiPoint, LineString, MultiLineString, Polygon).
    await db.query(`
      CREATE FUNCTION footprint_geometry_vertices(geometry jsonb) RETURNS int
      LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
        SELECT CASE geometry->>'type'
          WHEN 'Point' THEN 1
          WHEN 'LineString' THEN jsonb_array_length(geometry->'coordinates')
          WHEN 'MultiPoint' THEN jsonb_array_length(geometry->'coordinates')
          ELSE COALESCE((SELECT sum(jsonb_array_length(p))::int FROM jsonb_array_elements(geometry->'coordinates') p), 0)
        END
      $$`);
    await db.query(`
      ALTER TABLE dataset_version_files
        ADD COLUMN footprint_length_km float8 GENERATED ALWAYS AS ((footprint->>'lengthKm')::float8) STORED,
        ADD COLUMN footprint_bbox jsonb GENERATED ALWAYS AS (footprint->'bbox') STORED,
        ADD COLUMN footprint_vertices int GENERATED ALWAYS AS (footprint_geometry_vertices(footprint->'geometry')) STORED`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE dataset_version_files DROP COLUMN footprint_length_km, DROP COLUMN footprint_bbox, DROP COLUMN footprint_vertices`);
    await db.query(`DROP FUNCTION footprint_geometry_vertices(jsonb)`);
  }
}
