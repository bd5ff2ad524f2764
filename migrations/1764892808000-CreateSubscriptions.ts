import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Area subscriptions (issue 13, part 7):
 * - subscriptions: a buyer's standing order for the new captures of an area (as a quote takes it) of some modalities
 *   (null: any), of one dataset or of any listed one (dataset_id null), paid by a method, up to a monthly cap in USD
 *   cents. Cancelled ones stay, with their invoices.
 * - subscription_baseline_captures: the captures already for sale in the area when the buyer subscribed; never billed
 *   (the subscription is for what comes after).
 * - subscription_periods: one row per subscription and calendar month (UTC), whatever the run found: an invoice (a cart
 *   checkout), nothing new, over the cap, or failed; unique, so a period is billed once however many runs race.
 * - subscription_invoice_lines: per invoice, one line per dataset with the captures it bills (its quote's); the line's
 *   order (the checkout's order of that dataset) says whether they were delivered, are still payable, or came back.
 */
export class CreateSubscriptions1764892808000 implements MigrationInterface {
  name = 'CreateSubscriptions1764892808000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE subscriptions (
        id uuid PRIMARY KEY,
        buyer_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        area jsonb NOT NULL,
        modalities text[],
        dataset_id uuid,
        payment_method text NOT NULL,
        monthly_cap_usd_cents bigint NOT NULL CHECK (monthly_cap_usd_cents > 0),
        status text NOT NULL CHECK (status IN ('active', 'cancelled')),
        created_at timestamptz NOT NULL,
        cancelled_at timestamptz,
        CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX subscriptions_buyer_idx ON subscriptions (buyer_id, created_at, id)`);
    await db.query(`CREATE INDEX subscriptions_active_idx ON subscriptions (id) WHERE status = 'active'`);
    await db.query(`
      CREATE TABLE subscription_baseline_captures (
        subscription_id uuid NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        capture_id uuid NOT NULL,
        PRIMARY KEY (subscription_id, capture_id)
      )`);
    await db.query(`
      CREATE TABLE subscription_periods (
        id uuid PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        period date NOT NULL CHECK (extract(day FROM period) = 1),
        outcome text NOT NULL CHECK (outcome IN ('invoiced', 'empty', 'over_cap', 'failed')),
        checkout_id uuid REFERENCES cart_checkouts(id),
        price_usd_cents bigint NOT NULL CHECK (price_usd_cents >= 0),
        captures integer NOT NULL CHECK (captures >= 0),
        skipped jsonb NOT NULL,
        reason text,
        created_at timestamptz NOT NULL,
        CONSTRAINT subscription_periods_once UNIQUE (subscription_id, period),
        CHECK ((outcome = 'invoiced') = (checkout_id IS NOT NULL))
      )`);
    await db.query(`
      CREATE TABLE subscription_invoice_lines (
        period_id uuid NOT NULL REFERENCES subscription_periods(id) ON DELETE CASCADE,
        dataset_id uuid NOT NULL,
        version integer NOT NULL,
        quote_id uuid NOT NULL,
        capture_ids uuid[] NOT NULL,
        price_usd_cents bigint NOT NULL CHECK (price_usd_cents > 0),
        PRIMARY KEY (period_id, dataset_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE subscription_invoice_lines`);
    await db.query(`DROP TABLE subscription_periods`);
    await db.query(`DROP TABLE subscription_baseline_captures`);
    await db.query(`DROP TABLE subscriptions`);
  }
}
