import { ConsentTakedowns1764892807200 } from '../migrations/1764892807200-ConsentTakedowns.js';
import { RevocableOnWithdrawal1764892807100 } from '../migrations/1764892807100-RevocableOnWithdrawal.js';
import { migratedSourcePerSuite } from './support/migrated-source.js';

/**
 * Issue 16's migrations on data made before them: templates and open datasets get `revocableOnWithdrawal` (a dataset
 * takes its template's), and consent records admit takedowns; their downs put things back.
 */
describe('RevocableOnWithdrawal and ConsentTakedowns migrations (e2e, on the real database engine)', () => {
  const sourceOf = migratedSourcePerSuite();

  it('gives templates and the datasets made before it the term, and lets consent records hold takedowns', async () => {
    const source = sourceOf();
    const takedowns = new ConsentTakedowns1764892807200();
    const revocable = new RevocableOnWithdrawal1764892807100();
    const runner = source.createQueryRunner();
    try {
      await takedowns.down(runner);
      await revocable.down(runner);
      const [user] = await source.query<{ id: string }[]>(
        `INSERT INTO users (role, wallet_address) VALUES ('contributor', 'w-migrate') RETURNING id`,
      );
      const templates = await source.query<{ id: string; slug: string; terms: Record<string, unknown> }[]>(
        `SELECT id, slug, terms FROM licence_templates`,
      );
      expect(templates.every((template) => !('revocableOnWithdrawal' in template.terms))).toBe(true);
      const templateOf = (slug: string) => templates.find((template) => template.slug === slug) as (typeof templates)[number];
      const dataset = async (slug: string) => {
        const [row] = await source.query<{ id: string }[]>(
          `INSERT INTO datasets (id, owner_id, title, description, capture_ids, licence_template_id, licence_terms, price_usd_cents, declarations, draft_state)
           VALUES (gen_random_uuid(), $1, 'Old', 'Made before the term', '{}', $2, $3, 100, '{}', 'editing') RETURNING id`,
          [user.id, templateOf(slug).id, JSON.stringify(templateOf(slug).terms)],
        );
        return row.id;
      };
      const research = await dataset('research-only');
      const commercial = await dataset('commercial-ai-training');
      // A takedown cannot be recorded before the migration.
      const takedown = (id: string) =>
        source.query(
          `INSERT INTO consent_records (id, dataset_id, contributor_id, kind, capture_ids, fields, reason, hash, custody_seq, created_at)
           VALUES (gen_random_uuid(), $1, $2, 'takedown', '{}', '{}', 'A face.', $3, 1, now())`,
          [id, user.id, 'c'.repeat(64)],
        );
      await expect(takedown(research)).rejects.toThrow(/check constraint/);

      await revocable.up(runner);
      await takedowns.up(runner);
      const after = await source.query<{ slug: string; revocable: boolean }[]>(
        `SELECT slug, (terms ->> 'revocableOnWithdrawal')::boolean AS revocable FROM licence_templates ORDER BY slug`,
      );
      expect(Object.fromEntries(after.map((row) => [row.slug, row.revocable]))).toMatchObject({
        'research-only': true,
        'commercial-ai-training': false,
        'commercial-no-resale': true,
        'exclusive-commercial': false,
      });
      const datasets = await source.query<{ id: string; revocable: boolean }[]>(
        `SELECT id, (licence_terms ->> 'revocableOnWithdrawal')::boolean AS revocable FROM datasets WHERE id = ANY($1)`,
        [[research, commercial]],
      );
      expect(Object.fromEntries(datasets.map((row) => [row.id, row.revocable]))).toEqual({ [research]: true, [commercial]: false });
      await takedown(research);
      // Still no reason-less take-out, and no unknown kind.
      await expect(
        source.query(
          `INSERT INTO consent_records (id, dataset_id, contributor_id, kind, capture_ids, fields, hash, custody_seq, created_at)
           VALUES (gen_random_uuid(), $1, $2, 'takedown', '{}', '{}', $3, 2, now())`,
          [research, user.id, 'd'.repeat(64)],
        ),
      ).rejects.toThrow(/check constraint/);
      await expect(
        source.query(
          `INSERT INTO consent_records (id, dataset_id, contributor_id, kind, capture_ids, fields, reason, hash, custody_seq, created_at)
           VALUES (gen_random_uuid(), $1, $2, 'erasure', '{}', '{}', 'x', $3, 3, now())`,
          [research, user.id, 'e'.repeat(64)],
        ),
      ).rejects.toThrow(/check constraint/);
    } finally {
      await runner.release();
    }
  });
});
