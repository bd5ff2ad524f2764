import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payment methods behind one port: what is specific to a method moves off `orders`.
 *
 * - payment_methods: one row per method with its currency. orders (payment_method, currency) and payments
 *   (method, currency) reference it instead of CHECK lists, so a new method's migration inserts a row.
 * - order_payment_requests: the provider's side of each order's payment, one row per order. The provider's key
 *   (Stripe Checkout Session id, Solana Pay reference) is a real column, unique per method: a session or a
 *   reference still pays at most one order, as the UNIQUE columns on orders did. The rest of what a method keeps
 *   (Stripe: checkoutUrl; Solana Pay: recipient, splToken, url) is a JSON object only that method's handler reads,
 *   and validates when it does: no column for every method on every row. (order_id, method) references orders
 *   (id, payment_method), so a request always belongs to an order of its own method.
 * - payments.payer: who paid a charge, as its method names them (the wallet of a USDC payment), where refunds of
 *   that charge go; it was orders.payer_address, for the one charge an order could have.
 * - orders.stripe_payment_intent goes: it was always the paying charge's reference (payments.external_reference,
 *   and orders.payment_reference, which stays: the reference of the charge that paid the order).
 *
 * `down` moves every value back.
 */
export class PaymentMethodRequests1764892801000 implements MigrationInterface {
  name = 'PaymentMethodRequests1764892801000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE payment_methods (
        name text PRIMARY KEY,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3,5}$'),
        UNIQUE (name, currency)
      )`);
    await db.query(`INSERT INTO payment_methods (name, currency) VALUES ('card', 'USD'), ('solana', 'USDC')`);
    await db.query(
      `ALTER TABLE orders DROP CONSTRAINT orders_payment_method_check, DROP CONSTRAINT orders_check, DROP CONSTRAINT orders_currency_check`,
    );
    await db.query(
      `ALTER TABLE orders ADD CONSTRAINT orders_payment_method_fkey FOREIGN KEY (payment_method, currency) REFERENCES payment_methods (name, currency)`,
    );
    await db.query(`ALTER TABLE orders ADD CONSTRAINT orders_id_payment_method_key UNIQUE (id, payment_method)`);
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_method_check, DROP CONSTRAINT payments_currency_check`);
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_method_fkey FOREIGN KEY (method, currency) REFERENCES payment_methods (name, currency)`,
    );

    await db.query(`
      CREATE TABLE order_payment_requests (
        order_id uuid PRIMARY KEY,
        method text NOT NULL,
        provider_reference text NOT NULL,
        details jsonb NOT NULL CHECK (jsonb_typeof(details) = 'object'),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT order_payment_requests_order_fkey FOREIGN KEY (order_id, method) REFERENCES orders (id, payment_method),
        CONSTRAINT order_payment_requests_provider_reference_key UNIQUE (method, provider_reference)
      )`);
    await db.query(`
      INSERT INTO order_payment_requests (order_id, method, provider_reference, details, created_at)
      SELECT id, 'card', stripe_session_id, jsonb_build_object('checkoutUrl', stripe_checkout_url), created_at
      FROM orders WHERE payment_method = 'card' AND stripe_session_id IS NOT NULL`);
    await db.query(`
      INSERT INTO order_payment_requests (order_id, method, provider_reference, details, created_at)
      SELECT id, 'solana', solana_reference, jsonb_build_object('recipient', solana_recipient, 'splToken', solana_mint, 'url', solana_url), created_at
      FROM orders WHERE payment_method = 'solana'`);

    await db.query(`ALTER TABLE payments ADD COLUMN payer text`);
    await db.query(`
      UPDATE payments p SET payer = o.payer_address
      FROM orders o
      WHERE p.order_id = o.id AND p.kind = 'charge' AND p.external_reference = o.payment_reference AND o.payer_address IS NOT NULL`);

    // Dropping solana_reference drops its CHECK (orders_check1) and the columns' UNIQUE constraints with them.
    await db.query(`
      ALTER TABLE orders
        DROP COLUMN stripe_session_id,
        DROP COLUMN stripe_checkout_url,
        DROP COLUMN stripe_payment_intent,
        DROP COLUMN solana_reference,
        DROP COLUMN solana_recipient,
        DROP COLUMN solana_mint,
        DROP COLUMN solana_url,
        DROP COLUMN payer_address`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE orders
        ADD COLUMN stripe_session_id text UNIQUE,
        ADD COLUMN stripe_checkout_url text,
        ADD COLUMN stripe_payment_intent text UNIQUE,
        ADD COLUMN solana_reference text UNIQUE,
        ADD COLUMN solana_recipient text,
        ADD COLUMN solana_mint text,
        ADD COLUMN solana_url text,
        ADD COLUMN payer_address text`);
    await db.query(`
      UPDATE orders o SET stripe_session_id = r.provider_reference, stripe_checkout_url = r.details ->> 'checkoutUrl'
      FROM order_payment_requests r WHERE r.order_id = o.id AND r.method = 'card'`);
    // A paying charge's reference is its payment intent, unless the session had none (then it is the session id).
    await db.query(`
      UPDATE orders SET stripe_payment_intent = payment_reference
      WHERE payment_method = 'card' AND payment_reference IS NOT NULL AND payment_reference <> stripe_session_id`);
    await db.query(`
      UPDATE orders o
      SET solana_reference = r.provider_reference, solana_recipient = r.details ->> 'recipient', solana_mint = r.details ->> 'splToken',
          solana_url = r.details ->> 'url'
      FROM order_payment_requests r WHERE r.order_id = o.id AND r.method = 'solana'`);
    // The paying charge's payer; for an order no charge paid, its first charge's (the one a refund went back to).
    await db.query(`
      UPDATE orders o SET payer_address = (
        SELECT p.payer FROM payments p
        WHERE p.order_id = o.id AND p.kind = 'charge' AND p.payer IS NOT NULL
        ORDER BY p.external_reference = o.payment_reference DESC, p.created_at
        LIMIT 1)`);
    await db.query(`ALTER TABLE orders ADD CONSTRAINT orders_check1 CHECK ((payment_method = 'solana') = (solana_reference IS NOT NULL))`);
    await db.query(`ALTER TABLE payments DROP COLUMN payer`);
    await db.query(`DROP TABLE order_payment_requests`);

    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_method_fkey`);
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_method_check CHECK (method IN ('card', 'solana')), ADD CONSTRAINT payments_currency_check CHECK (currency IN ('USD', 'USDC'))`,
    );
    await db.query(`ALTER TABLE orders DROP CONSTRAINT orders_id_payment_method_key, DROP CONSTRAINT orders_payment_method_fkey`);
    await db.query(`
      ALTER TABLE orders
        ADD CONSTRAINT orders_payment_method_check CHECK (payment_method IN ('card', 'solana')),
        ADD CONSTRAINT orders_currency_check CHECK (currency IN ('USD', 'USDC')),
        ADD CONSTRAINT orders_check CHECK ((payment_method = 'card') = (currency = 'USD'))`);
    await db.query(`DROP TABLE payment_methods`);
  }
}
