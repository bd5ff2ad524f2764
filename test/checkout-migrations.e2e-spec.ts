import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, type QueryRunner } from 'typeorm';
import { PaymentMethodRequests1764892801000 } from '../migrations/1764892801000-PaymentMethodRequests.js';
import { RefundOutbox1764892801100 } from '../migrations/1764892801100-RefundOutbox.js';
import { LicensedFiles1764892801200 } from '../migrations/1764892801200-LicensedFiles.js';
import { CreateCarts1764892807500 } from '../migrations/1764892807500-CreateCarts.js';
import { CreateSubscriptions1764892808000 } from '../migrations/1764892808000-CreateSubscriptions.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import type { DatabaseConnection } from '../src/database/database-connection.js';
import { runMigrationsLocked } from '../src/database/run-migrations.js';
import { createTestDatabase } from './support/test-database.js';

/**
 * The payment-method and refund-outbox migrations move existing orders' data and back without losing any: Stripe
 * sessions and Solana Pay requests into order_payment_requests (their uniqueness kept), the payer onto its charge,
 * refunds onto the charge they return, and a refund not sent yet into the outbox under the key the old sender used.
 */
describe('checkout migrations keep every order datum (e2e, on the real database engine)', () => {
  let database: DatabaseConnection;
  let source: DataSource;
  let runner: QueryRunner;
  const paymentMethods = new PaymentMethodRequests1764892801000();
  const refundOutbox = new RefundOutbox1764892801100();
  const licensedFiles = new LicensedFiles1764892801200();
  const ids = { buyer: randomUUID(), card: randomUUID(), refunded: randomUUID(), pending: randomUUID(), charges: [randomUUID(), randomUUID()] };

  const oldOrders = `
    SELECT id, payment_method, stripe_session_id, stripe_checkout_url, stripe_payment_intent, solana_reference, solana_recipient,
           solana_mint, solana_url, payment_reference, payer_address
    FROM orders ORDER BY id`;

  beforeAll(async () => {
    database = await createTestDatabase();
    source = await new DataSource(dataSourceOptions(database.url, 2)).initialize();
    await runMigrationsLocked(source);
    runner = source.createQueryRunner();
    // Back to the schema before these migrations: the cart's checkouts name a payment method, so they go first, after the
    // area subscriptions whose invoices are checkouts; whatever else came after them leaves these tables alone.
    await new CreateSubscriptions1764892808000().down(runner);
    await new CreateCarts1764892807500().down(runner);
    await licensedFiles.down(runner);
    await refundOutbox.down(runner);
    await paymentMethods.down(runner);

    await runner.query(`INSERT INTO users (id, email, password_hash, role) VALUES ($1, 'old-buyer@example.com', 'not-a-hash', 'buyer')`, [ids.buyer]);
    const order = (id: string, method: 'card' | 'solana', status: string, columns: Record<string, string | null>) =>
      runner.query(
        `INSERT INTO orders (id, buyer_id, dataset_id, version, dataset_title, seller_id, merkle_root, licence, exclusive, price_usd_cents,
                             payment_method, amount_minor, currency, status, expires_at, ${Object.keys(columns).join(', ')})
         VALUES ($1, $2, $3, 1, 'Old data', $2, $4, '{}', false, 1999, $5, $6, $7, $8, now() + interval '30 minutes',
                 ${Object.keys(columns)
                   .map((_, index) => `$${index + 9}`)
                   .join(', ')})`,
        [
          id,
          ids.buyer,
          randomUUID(),
          '0'.repeat(64),
          method,
          method === 'card' ? 1999 : 19_990_000,
          method === 'card' ? 'USD' : 'USDC',
          status,
          ...Object.values(columns),
        ],
      );
    await order(ids.card, 'card', 'paid', {
      stripe_session_id: 'cs_old',
      stripe_checkout_url: 'https://checkout.stripe.test/c/pay/cs_old',
      stripe_payment_intent: 'pi_old',
      payment_reference: 'pi_old',
    });
    await order(ids.refunded, 'solana', 'refunded', {
      solana_reference: 'RefOld1111111111111111111111111111111111111',
      solana_recipient: 'Treasury111111111111111111111111111111111111',
      solana_mint: 'Mint11111111111111111111111111111111111111111',
      solana_url: 'solana:Treasury?amount=19.99',
      payment_reference: 'sig-old',
      payer_address: 'Payer11111111111111111111111111111111111111',
    });
    await order(ids.pending, 'solana', 'pending', {
      solana_reference: 'RefOld2222222222222222222222222222222222222',
      solana_recipient: 'Treasury111111111111111111111111111111111111',
      solana_mint: 'Mint11111111111111111111111111111111111111111',
      solana_url: 'solana:Treasury?amount=19.99&reference=2',
    });
    const payment = (id: string, orderId: string, kind: string, method: string, amount: number, currency: string, reference: string) =>
      runner.query(
        `INSERT INTO payments (id, order_id, kind, method, amount_minor, currency, external_reference) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, orderId, kind, method, amount, currency, reference],
      );
    await payment(ids.charges[0], ids.card, 'charge', 'card', 1999, 'USD', 'pi_old');
    await payment(randomUUID(), ids.card, 'refund', 'card', 1999, 'USD', 're_old');
    await payment(ids.charges[1], ids.refunded, 'charge', 'solana', 19_990_000, 'USDC', 'sig-old');
  });
  afterAll(async () => {
    await runner.release();
    await source.destroy();
    await database.close();
  });

  it('moves the method data, payers and unsent refunds over, keeps sessions and references unique, and moves it all back', async () => {
    const before: unknown = await runner.query(oldOrders);
    await paymentMethods.up(runner);
    await refundOutbox.up(runner);
    await licensedFiles.up(runner);

    expect(
      await runner.query(
        `SELECT order_id, method, provider_reference, details FROM order_payment_requests ORDER BY method, provider_reference COLLATE "C"`,
      ),
    ).toEqual([
      { order_id: ids.card, method: 'card', provider_reference: 'cs_old', details: { checkoutUrl: 'https://checkout.stripe.test/c/pay/cs_old' } },
      {
        order_id: ids.refunded,
        method: 'solana',
        provider_reference: 'RefOld1111111111111111111111111111111111111',
        details: {
          recipient: 'Treasury111111111111111111111111111111111111',
          splToken: 'Mint11111111111111111111111111111111111111111',
          url: 'solana:Treasury?amount=19.99',
        },
      },
      {
        order_id: ids.pending,
        method: 'solana',
        provider_reference: 'RefOld2222222222222222222222222222222222222',
        details: {
          recipient: 'Treasury111111111111111111111111111111111111',
          splToken: 'Mint11111111111111111111111111111111111111111',
          url: 'solana:Treasury?amount=19.99&reference=2',
        },
      },
    ]);
    expect(await runner.query(`SELECT external_reference, payer, refund_of FROM payments ORDER BY external_reference COLLATE "C"`)).toEqual([
      { external_reference: 'pi_old', payer: null, refund_of: null },
      { external_reference: 're_old', payer: null, refund_of: ids.charges[0] },
      { external_reference: 'sig-old', payer: 'Payer11111111111111111111111111111111111111', refund_of: null },
    ]);
    // The refunded USDC order's refund was never sent: it waits in the outbox under the old sender's key (its memo).
    expect(await runner.query(`SELECT order_id, charge_id, portion, amount_minor, status, idempotency_key FROM order_refunds`)).toEqual([
      {
        order_id: ids.refunded,
        charge_id: ids.charges[1],
        portion: 'rest',
        amount_minor: '19990000',
        status: 'pending',
        idempotency_key: `refund:${ids.refunded}`,
      },
    ]);
    const columns = (await runner.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'orders'`)) as {
      column_name: string;
    }[];
    expect(columns.map((column) => column.column_name).filter((name) => /^(stripe|solana)_|payer_address/.test(name))).toEqual([]);

    // A session or a reference still pays one order only; a request always has its order's method.
    const other = randomUUID();
    await runner.query(
      `INSERT INTO orders (id, buyer_id, dataset_id, version, dataset_title, seller_id, merkle_root, licence, exclusive, price_usd_cents,
                           payment_method, amount_minor, currency, status, expires_at)
       VALUES ($1, $2, $3, 1, 'New order', $2, $4, '{}', false, 1999, 'solana', 19990000, 'USDC', 'pending', now())`,
      [other, ids.buyer, randomUUID(), '0'.repeat(64)],
    );
    const request = (method: string, reference: string) =>
      runner.query(`INSERT INTO order_payment_requests (order_id, method, provider_reference, details) VALUES ($1, $2, $3, '{}')`, [
        other,
        method,
        reference,
      ]);
    await expect(request('solana', 'RefOld2222222222222222222222222222222222222')).rejects.toThrow('order_payment_requests_provider_reference_key');
    await expect(request('card', 'cs_new')).rejects.toThrow('order_payment_requests_order_fkey');
    await runner.query(`DELETE FROM orders WHERE id = $1`, [other]);

    await licensedFiles.down(runner);
    await refundOutbox.down(runner);
    await paymentMethods.down(runner);
    expect(await runner.query(oldOrders)).toEqual(before);
    expect(await runner.query(`SELECT to_regclass('order_payment_requests') AS requests, to_regclass('order_refunds') AS refunds`)).toEqual([
      { requests: null, refunds: null },
    ]);

    // Forward again, as the service will.
    await paymentMethods.up(runner);
    await refundOutbox.up(runner);
    await licensedFiles.up(runner);
  });
});
