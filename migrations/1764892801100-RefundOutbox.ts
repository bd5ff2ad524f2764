import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds through an outbox, and more than one per order.
 *
 * - order_refunds: a decision to send money back, committed with the change that made it; a job sends it exactly
 *   once (idempotency_key: Stripe's Idempotency-Key, or the reference address a USDC refund carries, looked up before
 *   any resend) and records the refund payment in a second transaction. Unique per (charge, portion): an
 *   overpayment's excess and the rest of a charge are each returned once.
 * - payments.refund_of: the charge a refund returns money of. An order may now have several charges (a second
 *   payment, a short one) and so several refunds: payments_one_refund_per_order goes.
 * - Orders refunded before this migration whose refund was not sent yet get a pending row, keyed as the old code
 *   keyed its send (`refund:<order id>`: Stripe's idempotency key and the USDC refund memo), so a send that landed
 *   before the upgrade is found, not repeated.
 *
 * `down` refuses while some order has more than one refund (the old schema cannot hold them); otherwise it restores
 * the one-refund index and drops the outbox (the old refund job sends refunded orders' missing refunds itself).
 */
export class RefundOutbox1764892801100 implements MigrationInterface {
  name = 'RefundOutbox1764892801100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE payments ADD COLUMN refund_of uuid REFERENCES payments (id)`);
    await db.query(`
      UPDATE payments r SET refund_of = (
        SELECT c.id FROM payments c JOIN orders o ON o.id = c.order_id
        WHERE c.order_id = r.order_id AND c.kind = 'charge'
        ORDER BY c.external_reference = o.payment_reference DESC, c.created_at
        LIMIT 1)
      WHERE r.kind = 'refund'`);
    await db.query(`ALTER TABLE payments ADD CONSTRAINT payments_refund_names_charge CHECK ((kind = 'refund') = (refund_of IS NOT NULL))`);
    await db.query(`DROP INDEX payments_one_refund_per_order`);
    await db.query(`CREATE INDEX payments_refund_of_idx ON payments (refund_of) WHERE refund_of IS NOT NULL`);

    await db.query(`
      CREATE TABLE order_refunds (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id),
        charge_id uuid NOT NULL REFERENCES payments (id),
        portion text NOT NULL CHECK (portion IN ('excess', 'rest')),
        method text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency text NOT NULL,
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sent', 'held')),
        held_reason text,
        idempotency_key text NOT NULL UNIQUE,
        refund_payment_id uuid UNIQUE REFERENCES payments (id),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        last_sent_at timestamptz,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (charge_id, portion),
        FOREIGN KEY (method, currency) REFERENCES payment_methods (name, currency),
        CHECK ((status = 'sent') = (refund_payment_id IS NOT NULL)),
        CHECK ((status = 'held') = (held_reason IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX order_refunds_order_idx ON order_refunds (order_id, created_at, id)`);
    await db.query(`CREATE INDEX order_refunds_open_idx ON order_refunds (status, created_at) WHERE status <> 'sent'`);

    await db.query(`
      INSERT INTO order_refunds (id, order_id, charge_id, portion, method, amount_minor, currency, reason, status, held_reason, idempotency_key)
      SELECT gen_random_uuid(), o.id, c.id, 'rest', c.method, c.amount_minor, c.currency, coalesce(o.status_reason, 'the order was refunded'),
             CASE WHEN c.method = 'solana' AND c.payer IS NULL THEN 'held' ELSE 'pending' END,
             CASE WHEN c.method = 'solana' AND c.payer IS NULL THEN 'the wallet that paid is not known' END,
             'refund:' || o.id
      FROM orders o JOIN payments c ON c.order_id = o.id AND c.kind = 'charge' AND c.external_reference = o.payment_reference
      WHERE o.status = 'refunded' AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.order_id = o.id AND r.kind = 'refund')`);
  }

  async down(db: QueryRunner): Promise<void> {
    const { records } = await db.query(
      `SELECT order_id::text FROM payments WHERE kind = 'refund' GROUP BY order_id HAVING count(*) > 1 LIMIT 1`,
      [],
      true,
    );
    const several = records as { order_id: string }[];
    if (several.length > 0) {
      throw new Error(`order ${several[0].order_id} has more than one refund, which the schema before RefundOutbox cannot hold; not reverting`);
    }
    await db.query(`DROP TABLE order_refunds`);
    await db.query(`DROP INDEX payments_refund_of_idx`);
    await db.query(`CREATE UNIQUE INDEX payments_one_refund_per_order ON payments (order_id) WHERE kind = 'refund'`);
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_refund_names_charge`);
    await db.query(`ALTER TABLE payments DROP COLUMN refund_of`);
  }
}
