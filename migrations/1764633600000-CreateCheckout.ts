import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Checkout: orders (a price and licence snapshot of one dataset version), the payments ledger every money movement
 * writes to, entitlements with their signed licence certificates, and the Stripe events already processed.
 *
 * Exactly-once rules live in constraints, not in reads: an exclusive version has at most one paid or fulfilled
 * order (orders_exclusive_sold), a charge or refund reference (Stripe payment intent or refund id, Solana
 * signature) is recorded once (payments.external_reference), an order is refunded once, and a Stripe event id is
 * processed once (stripe_events primary key, written in the same transaction as its effect).
 */
export class CreateCheckout1764633600000 implements MigrationInterface {
  name = 'CreateCheckout1764633600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        buyer_id uuid NOT NULL REFERENCES users (id),
        buyer_email text,
        buyer_wallet text,
        dataset_id uuid NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        dataset_title text NOT NULL,
        seller_id uuid NOT NULL,
        merkle_root text NOT NULL,
        licence jsonb NOT NULL,
        exclusive boolean NOT NULL,
        price_usd_cents bigint NOT NULL CHECK (price_usd_cents > 0),
        payment_method text NOT NULL CHECK (payment_method IN ('card', 'solana')),
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency text NOT NULL CHECK (currency IN ('USD', 'USDC')),
        status text NOT NULL CHECK (status IN ('pending', 'paid', 'fulfilled', 'expired', 'cancelled', 'refunded')),
        status_reason text,
        expires_at timestamptz NOT NULL,
        stripe_session_id text UNIQUE,
        stripe_checkout_url text,
        stripe_payment_intent text UNIQUE,
        solana_reference text UNIQUE,
        solana_recipient text,
        solana_mint text,
        solana_url text,
        payment_reference text UNIQUE,
        payer_address text,
        last_payment_error text,
        paid_at timestamptz,
        fulfilled_at timestamptz,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((payment_method = 'card') = (currency = 'USD')),
        CHECK ((payment_method = 'solana') = (solana_reference IS NOT NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX orders_exclusive_sold ON orders (dataset_id, version) WHERE exclusive AND status IN ('paid', 'fulfilled')`);
    await db.query(`CREATE INDEX orders_buyer_idx ON orders (buyer_id, created_at DESC, id DESC)`);

    await db.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id),
        kind text NOT NULL CHECK (kind IN ('charge', 'refund')),
        method text NOT NULL CHECK (method IN ('card', 'solana')),
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency text NOT NULL CHECK (currency IN ('USD', 'USDC')),
        external_reference text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX payments_order_idx ON payments (order_id, created_at)`);
    await db.query(`CREATE UNIQUE INDEX payments_one_refund_per_order ON payments (order_id) WHERE kind = 'refund'`);
    await db.query(`CREATE INDEX payments_time_idx ON payments (created_at, id)`);

    await db.query(`
      CREATE TABLE entitlements (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL UNIQUE REFERENCES orders (id),
        buyer_id uuid NOT NULL REFERENCES users (id),
        dataset_id uuid NOT NULL,
        version integer NOT NULL,
        granted_at timestamptz NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz,
        revoke_reason text,
        certificate text NOT NULL,
        certificate_signature text NOT NULL,
        certificate_public_key text NOT NULL
      )`);
    await db.query(`CREATE INDEX entitlements_buyer_idx ON entitlements (buyer_id, dataset_id, version)`);

    await db.query(`
      CREATE TABLE stripe_events (
        event_id text PRIMARY KEY,
        type text NOT NULL,
        order_id uuid REFERENCES orders (id),
        outcome text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE stripe_events`);
    await db.query(`DROP TABLE entitlements`);
    await db.query(`DROP TABLE payments`);
    await db.query(`DROP TABLE orders`);
  }
}
