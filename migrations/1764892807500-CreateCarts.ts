import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Carts and multi-line checkouts (issue 13, part 3):
 * - cart_lines: what a buyer put in their cart, a whole version or a slice quote; one line per version (whole) or per
 *   quote. Removed when a checkout places its orders.
 * - cart_checkouts: one payment for several orders (one per line). It holds the provider's request (one Stripe
 *   Checkout Session with a line item per order, or one Solana Pay transfer request for the sum), unique per method
 *   like order_payment_requests; its orders (orders.checkout_id) have no request of their own.
 * - payments.provider_reference: on each order's share of a checkout's one payment (each order records its own
 *   amount under external_reference `<provider reference>#<line>`), the provider's reference of that payment, which
 *   refunds of the share go against. Null on every other payment (its external_reference is the provider's).
 */
export class CreateCarts1764892807500 implements MigrationInterface {
  name = 'CreateCarts1764892807500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE cart_lines (
        id uuid PRIMARY KEY,
        buyer_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        dataset_id uuid NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        quote_id uuid,
        added_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX cart_lines_buyer_idx ON cart_lines (buyer_id, added_at, id)`);
    await db.query(`CREATE UNIQUE INDEX cart_lines_one_whole_version ON cart_lines (buyer_id, dataset_id, version) WHERE quote_id IS NULL`);
    await db.query(`CREATE UNIQUE INDEX cart_lines_one_quote ON cart_lines (quote_id) WHERE quote_id IS NOT NULL`);
    await db.query(`
      CREATE TABLE cart_checkouts (
        id uuid PRIMARY KEY,
        buyer_id uuid NOT NULL,
        organisation_id uuid,
        payment_method text NOT NULL,
        currency text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        price_usd_cents bigint NOT NULL CHECK (price_usd_cents > 0),
        provider_reference text NOT NULL,
        details jsonb NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT cart_checkouts_method_fkey FOREIGN KEY (payment_method, currency) REFERENCES payment_methods (name, currency),
        CONSTRAINT cart_checkouts_provider_reference_key UNIQUE (payment_method, provider_reference)
      )`);
    await db.query(`ALTER TABLE orders ADD COLUMN checkout_id uuid REFERENCES cart_checkouts(id)`);
    await db.query(`CREATE INDEX orders_checkout_idx ON orders (checkout_id) WHERE checkout_id IS NOT NULL`);
    await db.query(`ALTER TABLE payments ADD COLUMN provider_reference text`);
    await db.query(`CREATE INDEX payments_provider_reference_idx ON payments (provider_reference) WHERE provider_reference IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE payments DROP COLUMN provider_reference`);
    await db.query(`ALTER TABLE orders DROP COLUMN checkout_id`);
    await db.query(`DROP TABLE cart_checkouts`);
    await db.query(`DROP TABLE cart_lines`);
  }
}
