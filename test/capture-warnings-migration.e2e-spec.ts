import { CaptureWarnings1764892804100 } from '../migrations/1764892804100-CaptureWarnings.js';
import { migratedSourcePerSuite } from './support/migrated-source.js';

/**
 * Captures made before warnings had a column kept them in `metadata.warnings` (LAS, glTF, PLY probes): the migration
 * moves them into the column and takes the key out of the metadata, and its down puts them back.
 */
describe('CaptureWarnings migration (e2e, on the real database engine)', () => {
  const sourceOf = migratedSourcePerSuite();

  it('moves metadata.warnings of existing captures into the column and back, leaving the other metadata alone', async () => {
    const source = sourceOf();
    const [user] = await source.query<{ id: string }[]>(`INSERT INTO users (role, wallet_address) VALUES ('contributor', 'w-1') RETURNING id`);
    const insert = (name: string, metadata: unknown) =>
      source.query<{ id: string }[]>(
        `INSERT INTO captures (owner_id, status, filename, declared_size_bytes, declared_sha256, object_key, metadata)
         VALUES ($1, 'ready', $2, 10, $3, $4, $5) RETURNING id`,
        [user.id, name, 'a'.repeat(64), `captures/${name}`, metadata === null ? null : JSON.stringify(metadata)],
      );
    const migration = new CaptureWarnings1764892804100();
    const runner = source.createQueryRunner();
    try {
      await migration.down(runner);
      const [old] = await insert('old.ply', { trailingBytes: 2, warnings: ['2 bytes follow the last element'] });
      const [odd] = await insert('odd.las', { warnings: [1, 2] });
      const [none] = await insert('none.glb', null);
      await migration.up(runner);
      const rows = await source.query<{ id: string; warnings: string[]; metadata: Record<string, unknown> | null }[]>(
        `SELECT id, warnings, metadata FROM captures WHERE id = ANY($1)`,
        [[old.id, odd.id, none.id]],
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      expect(byId.get(old.id)).toMatchObject({ warnings: ['2 bytes follow the last element'], metadata: { trailingBytes: 2 } });
      expect(byId.get(old.id)?.metadata).not.toHaveProperty('warnings');
      // Not a list of strings: left where it was rather than guessed at.
      expect(byId.get(odd.id)).toMatchObject({ warnings: [], metadata: { warnings: [1, 2] } });
      expect(byId.get(none.id)).toMatchObject({ warnings: [], metadata: null });

      await migration.down(runner);
      const [back] = await source.query<{ metadata: Record<string, unknown> }[]>(`SELECT metadata FROM captures WHERE id = $1`, [old.id]);
      expect(back.metadata).toEqual({ trailingBytes: 2, warnings: ['2 bytes follow the last element'] });
      await migration.up(runner);
    } finally {
      await runner.release();
    }
  });
});
