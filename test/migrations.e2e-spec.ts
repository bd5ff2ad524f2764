import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import type { DatabaseConnection } from '../src/database/database-connection.js';
import { runMigrationsLocked } from '../src/database/run-migrations.js';
import { migrations } from '../migrations/index.js';
import { createTestDatabase } from './support/test-database.js';

describe('migrations (e2e, on the real database engine)', () => {
  let database: DatabaseConnection;
  const sources: DataSource[] = [];

  const connect = async () => {
    const source = new DataSource(dataSourceOptions(database.url, 2));
    sources.push(await source.initialize());
    return source;
  };
  const tables = async (source: DataSource) =>
    (
      await source.query<{ table_name: string }[]>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      )
    ).map((row) => row.table_name);

  beforeAll(async () => {
    database = await createTestDatabase({ schema: 'empty' });
  });
  afterAll(async () => {
    await Promise.all(sources.map((source) => source.destroy()));
    await database.close();
  });

  it('two instances starting together apply each migration exactly once', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const [ranByA, ranByB] = await Promise.all([runMigrationsLocked(a), runMigrationsLocked(b)]);
    expect(ranByA.length + ranByB.length).toBe(migrations.length);
    const applied = await a.query<{ name: string }[]>(`SELECT name FROM schema_migrations ORDER BY id`);
    expect(applied.map((row) => row.name)).toEqual(migrations.map((m) => m.name));
    expect(await tables(a)).toEqual([
      'advance_grant_revocations',
      'advance_grants',
      'api_keys',
      'capture_previews',
      'captures',
      'cart_checkouts',
      'cart_lines',
      'catalog_coverage',
      'consent_records',
      'custody_records',
      'dataset_review_events',
      'dataset_search_captures',
      'dataset_search_cells',
      'dataset_search_entries',
      'dataset_version_files',
      'dataset_versions',
      'datasets',
      'email_messages',
      'entitlement_seats',
      'entitlements',
      'jobs_carried_over',
      'licence_templates',
      'licensed_file_sales',
      'licensed_files',
      'networks',
      'order_payment_requests',
      'order_refunds',
      'order_slices',
      'orders',
      'organisation_members',
      'organisations',
      'payment_methods',
      'payments',
      'provenance_anchors',
      'quotes',
      'rate_limit_hits',
      'revenue_ledger_entries',
      'revenue_ledger_lines',
      'revenue_payout_batches',
      'revenue_payout_lookup_entries',
      'revenue_payout_methods',
      'revenue_payouts',
      'revenue_split_rows',
      'revenue_splits',
      'schema_migrations',
      'stripe_events',
      'subscription_baseline_captures',
      'subscription_invoice_lines',
      'subscription_periods',
      'subscriptions',
      'superseded_certificates',
      'users',
      'wallet_challenges',
      'webhook_deliveries',
      'webhook_delivery_attempts',
      'webhook_endpoints',
    ]);
  });

  it('every migration reverts cleanly and applies again', async () => {
    const source = sources[0];
    for (let i = 0; i < migrations.length; i += 1) await source.undoLastMigration({ transaction: 'each' });
    expect(await tables(source)).toEqual(['schema_migrations']);
    expect(await runMigrationsLocked(source)).toHaveLength(migrations.length);
    expect(await tables(source)).toContain('users');
  });

  it('connects with JIT off on a PostgreSQL server (an OLTP service; JIT once cost a city-box search 300-1,200 ms)', async () => {
    const [{ jit }] = await sources[0].query<{ jit: string }[]>(`SHOW jit`);
    // PGlite has no JIT compiler: the setting is accepted there and does nothing.
    expect(jit).toBe(database.kind === 'postgres' ? 'off' : 'on');
  });
});
