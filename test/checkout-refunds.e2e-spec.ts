import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { signature as toSignature } from '@solana/kit';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../src/auth/auth-user.js';
import { Role } from '../src/auth/role.js';
import { CheckoutErrorCode } from '../src/checkout/checkout.exception.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import { StripeWebhookService } from '../src/checkout/payment-methods/stripe/stripe-webhook.service.js';
import { RefundRepository } from '../src/checkout/repositories/refund.repository.js';
import { OrderService } from '../src/checkout/services/order.service.js';
import { PaymentConfirmationService } from '../src/checkout/services/payment-confirmation.service.js';
import { RefundSenderService } from '../src/checkout/services/refund-sender.service.js';
import { RefundService } from '../src/checkout/services/refund.service.js';
import type { Plain } from '../src/common/plain.js';
import { type CheckoutServices, newFileHash, orderRequest, startCheckoutServices } from './support/checkout-services.js';
import { FakeStripe } from './support/fake-stripe.js';

const PRICE_CENTS = 4_250;
const PRICE_BASE_UNITS = 42_500_000;

/**
 * Refunds, service by service on a real database (no HTTP): decided in one transaction with the refund in the
 * outbox, sent by the outbox's sender without holding any lock while Stripe or the ledger answers, exactly once even
 * across a crash between sending and recording; admin refunds, refunds made in Stripe's dashboard, repeated requests.
 */
describe('refunds through the outbox (services on a real database)', () => {
  const stripe = new FakeStripe();
  let services: CheckoutServices;
  let buyer: AuthUser;
  let datasetId: string;

  const orders = () => services.get(OrderService);
  const refunds = () => services.get(RefundService);
  const view = (id: string) => orders().get(buyer, id);
  const sendRefunds = (orderId: string) => services.get(RefundSenderService).sendPendingOf(orderId);
  const buyerBalance = () => services.ledger.usdcBalance(services.ledger.demoBuyerAddress);
  const count = async (query: string, params: unknown[]) => Number((await services.sql<{ n: string }>(query, params))[0].n);
  const sessionOf = (order: Plain<OrderResponse>) => {
    if (!order.stripe) throw new Error(`order ${order.id} has no Checkout Session`);
    return order.stripe.sessionId;
  };
  const paymentIntentOf = (order: Plain<OrderResponse>) => `pi_${sessionOf(order).slice(3)}`;
  const deliver = ({ payload }: { payload: string }) => services.get(StripeWebhookService).handle(Buffer.from(payload), stripe.sign(payload));
  const refundPosts = (paymentIntent: string) => stripe.requestsTo('/v1/refunds').filter((r) => r.form.payment_intent === paymentIntent);
  /** Stripe's charge.refunded for the order's charge, refunded in full (with the refunds list when given, as an expanded event has it). */
  const chargeRefunded = (order: Plain<OrderResponse>, refunds?: unknown[]) =>
    stripe.event('charge.refunded', {
      id: `ch_${order.id}`,
      object: 'charge',
      payment_intent: paymentIntentOf(order),
      refunded: true,
      amount_refunded: PRICE_CENTS,
      currency: 'usd',
      ...(refunds && { refunds: { object: 'list', data: refunds } }),
    });

  const paidUsdc = async () => {
    const order = await orders().create(buyer, orderRequest(datasetId, 'solana'));
    if (!order.solanaPay) throw new Error('no Solana Pay request');
    await services.ledger.payWithDemoWallet(order.solanaPay.url);
    const paid = await services.get(PaymentConfirmationService).confirmForHolder(buyer, order.id, 'solana');
    expect(paid.status).toBe('paid');
    return paid;
  };
  const paidCard = async () => {
    const order = await orders().create(buyer, orderRequest(datasetId, 'card'));
    expect((await deliver(stripe.event('checkout.session.completed', stripe.sessionObject(sessionOf(order))))).outcome).toBe('paid');
    return order;
  };

  beforeAll(async () => {
    services = await startCheckoutServices(stripe);
    const seller = await services.user(Role.CONTRIBUTOR);
    buyer = await services.user(Role.BUYER, 'buyer@example.com');
    datasetId = services.catalog.publish(seller.id, {
      title: 'Munich dashcam telemetry',
      priceUsdCents: PRICE_CENTS,
      exclusive: false,
      files: [newFileHash(), newFileHash()],
    });
  }, 120_000);
  afterAll(() => services.close());
  afterEach(() => {
    stripe.failWith = null;
    jest.restoreAllMocks();
  });

  it('refunds a USDC order for an admin: licence revoked at once, the money back once, a repeated request changes nothing', async () => {
    const order = await paidUsdc();
    const before = await buyerBalance();
    const refunded = await refunds().refund(order.id, 'Files were unreadable');
    expect(refunded).toMatchObject({
      status: 'refunded',
      statusReason: 'Files were unreadable',
      refunds: [{ portion: 'rest', status: 'sent', amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' }, reason: 'Files were unreadable' }],
    });
    expect(refunded.payments.map((p) => [p.kind, p.amount.minor])).toEqual([
      ['charge', PRICE_BASE_UNITS],
      ['refund', PRICE_BASE_UNITS],
    ]);
    expect(await buyerBalance()).toBe(before + BigInt(PRICE_BASE_UNITS));
    await expect(services.ledger.findMemo(toSignature(refunded.payments[1].reference))).resolves.toBe(`refund:${refunded.refunds[0].id}`);
    expect(await count(`SELECT count(*) AS n FROM entitlements WHERE order_id = $1 AND revoked_at IS NOT NULL`, [order.id])).toBe(1);

    const again = await refunds().refund(order.id, 'Again');
    expect(again.payments).toHaveLength(2);
    expect(again.refunds).toHaveLength(1);
    expect(await buyerBalance()).toBe(before + BigInt(PRICE_BASE_UNITS));

    const unpaid = await orders().create(buyer, orderRequest(datasetId, 'solana'));
    await expect(refunds().refund(unpaid.id, 'Nothing to refund')).rejects.toMatchObject({ code: CheckoutErrorCode.NOT_REFUNDABLE });
  });

  it('answers two refund requests arriving together with one refund', async () => {
    const order = await paidUsdc();
    const before = await buyerBalance();
    const answers = await Promise.all([refunds().refund(order.id, 'Duplicate purchase'), refunds().refund(order.id, 'Duplicate purchase')]);
    expect(answers.map((answer) => answer.status)).toEqual(['refunded', 'refunded']);
    expect(await count(`SELECT count(*) AS n FROM order_refunds WHERE order_id = $1`, [order.id])).toBe(1);
    await sendRefunds(order.id);
    expect(await count(`SELECT count(*) AS n FROM payments WHERE order_id = $1 AND kind = 'refund'`, [order.id])).toBe(1);
    expect(await buyerBalance()).toBe(before + BigInt(PRICE_BASE_UNITS));
  });

  it('sends a USDC refund once when the process dies between sending it and recording it: the retry finds it on the ledger', async () => {
    const order = await paidUsdc();
    const before = await buyerBalance();
    const crash = jest.spyOn(services.get(RefundRepository), 'markSent').mockRejectedValueOnce(new Error('killed after the transfer'));
    const pending = await refunds().refund(order.id, 'Wrong dataset');
    expect(crash).toHaveBeenCalledTimes(1);
    expect(pending.refunds).toEqual([expect.objectContaining({ status: 'pending', paymentId: null })]);
    expect(await buyerBalance()).toBe(before + BigInt(PRICE_BASE_UNITS));
    const [{ last_sent_at: lastSentAt }] = await services.sql<{ last_sent_at: Date | null }>(
      `SELECT last_sent_at FROM order_refunds WHERE order_id = $1`,
      [order.id],
    );
    expect(lastSentAt).not.toBeNull();

    await sendRefunds(order.id);
    expect(await buyerBalance()).toBe(before + BigInt(PRICE_BASE_UNITS));
    const done = await view(order.id);
    expect(done.refunds).toEqual([expect.objectContaining({ status: 'sent' })]);
    expect(done.payments.filter((p) => p.kind === 'refund')).toHaveLength(1);
    await expect(services.ledger.findMemo(toSignature(done.payments[1].reference))).resolves.toBe(`refund:${done.refunds[0].id}`);
  });

  it('refunds a card order for an admin with the refund its own idempotency key, once; Stripe echoing it changes nothing', async () => {
    const order = await paidCard();
    const refunded = await refunds().refund(order.id, 'Duplicate purchase');
    expect(refunded).toMatchObject({ status: 'refunded', refunds: [{ status: 'sent' }] });
    expect(refunded.payments).toEqual([
      expect.objectContaining({ kind: 'charge', reference: paymentIntentOf(order) }),
      expect.objectContaining({ kind: 'refund', reference: expect.stringMatching(/^re_test_/), amount: { minor: PRICE_CENTS, currency: 'USD' } }),
    ]);
    await refunds().refund(order.id, 'Duplicate purchase');
    const posts = refundPosts(paymentIntentOf(order));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({
      idempotencyKey: `refund:${refunded.refunds[0].id}`,
      form: { amount: String(PRICE_CENTS), 'metadata[order_id]': order.id, 'metadata[refund_key]': `refund:${refunded.refunds[0].id}` },
    });
    const echo = chargeRefunded(order);
    expect((await deliver(echo)).outcome).toBe('unchanged (already refunded, or being refunded by the marketplace)');
    expect(await count(`SELECT count(*) AS n FROM payments WHERE order_id = $1 AND kind = 'refund'`, [order.id])).toBe(1);
  });

  it('sends a Stripe refund once when the process dies between sending and recording it', async () => {
    const order = await paidCard();
    jest.spyOn(services.get(RefundRepository), 'markSent').mockRejectedValueOnce(new Error('killed after Stripe answered'));
    expect((await refunds().refund(order.id, 'Changed my mind')).refunds[0].status).toBe('pending');
    await sendRefunds(order.id);
    expect((await view(order.id)).refunds[0].status).toBe('sent');
    expect(refundPosts(paymentIntentOf(order))).toHaveLength(1);
    expect(stripe.refunds.filter((r) => r.payment_intent === paymentIntentOf(order))).toHaveLength(1);
  });

  it('never holds a transaction or row lock while Stripe answers a refund', async () => {
    const order = await paidCard();
    const release = stripe.holdRequestsTo('/v1/refunds');
    const refunding = refunds().refund(order.id, 'Slow Stripe');
    try {
      for (let waited = 0; stripe.held === 0; waited += 20) {
        if (waited > 10_000) throw new Error('the refund never reached Stripe');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Another instance locks the order and its refund row right now, without waiting.
      await services.get(DataSource).transaction(async (manager) => {
        await manager.query(`SELECT id FROM orders WHERE id = $1 FOR UPDATE NOWAIT`, [order.id]);
        await manager.query(`SELECT id FROM order_refunds WHERE order_id = $1 FOR UPDATE NOWAIT`, [order.id]);
      });
    } finally {
      release();
    }
    expect((await refunding).refunds[0].status).toBe('sent');
  });

  it('leaves a refund another sender holds to that sender, and its job tries again later rather than finishing', async () => {
    const order = await paidCard();
    stripe.failWith = 500;
    const [{ id }] = (await refunds().refund(order.id, 'Held by another instance')).refunds;
    stripe.failWith = null;
    const other = randomUUID();
    expect(await services.get(RefundRepository).lease(id, other, 60)).not.toBeNull();
    await expect(sendRefunds(order.id)).rejects.toThrow('another sender is on it');
    expect(await services.get(RefundSenderService).send(id)).toBe('busy');
    await services.get(RefundRepository).release(id, other);
    await sendRefunds(order.id);
    expect(await services.get(RefundSenderService).send(id)).toBe('already-sent');
  });

  it('takes over the refund of a sender that died holding it once its short lease ran out; the dead one can no longer send', async () => {
    const order = await paidCard();
    stripe.failWith = 500;
    const [{ id }] = (await refunds().refund(order.id, 'Its sender was killed')).refunds;
    stripe.failWith = null;
    const dead = randomUUID();
    const repository = services.get(RefundRepository);
    expect(await repository.lease(id, dead, 30)).not.toBeNull();
    await expect(sendRefunds(order.id)).rejects.toThrow('another sender is on it');
    // The dead sender renewed nothing: its lease ran out (the clock moved on), not minutes later.
    await services.sql(`UPDATE order_refunds SET lease_until = now() - interval '1 second' WHERE id = $1`, [id]);
    await sendRefunds(order.id);
    expect((await view(order.id)).refunds[0].status).toBe('sent');
    expect(await repository.markSending(id, dead)).toBe(false);
    expect(await repository.renewLease(id, dead, 30)).toBe(false);
    expect(refundPosts(paymentIntentOf(order))).toHaveLength(1);
  });

  it('keeps a refund pending through a Stripe outage and sends it on the next attempt', async () => {
    const order = await paidCard();
    stripe.failWith = 500;
    expect((await refunds().refund(order.id, 'Outage')).refunds[0]).toMatchObject({ status: 'pending', paymentId: null });
    await expect(sendRefunds(order.id)).rejects.toThrow('Stripe could not');
    const [row] = await services.sql<{ attempts: number; last_error: string }>(`SELECT attempts, last_error FROM order_refunds WHERE order_id = $1`, [
      order.id,
    ]);
    expect(row.attempts).toBe(2);
    expect(row.last_error).toContain('Stripe could not');
    stripe.failWith = null;
    await sendRefunds(order.id);
    expect((await view(order.id)).refunds[0].status).toBe('sent');
    expect(stripe.refunds.filter((r) => r.payment_intent === paymentIntentOf(order))).toHaveLength(1);
  });

  it("records a refund made in Stripe's dashboard: the order is refunded and its licence revoked, nothing is sent", async () => {
    const order = await paidCard();
    const dashboard = stripe.dashboardRefund(paymentIntentOf(order), PRICE_CENTS);
    const event = chargeRefunded(order, [dashboard]);
    expect(await deliver(event)).toEqual({ received: true, duplicate: false, outcome: 'refunded' });
    expect(await deliver(event)).toEqual({ received: true, duplicate: true, outcome: 'refunded' });
    expect(await view(order.id)).toMatchObject({
      status: 'refunded',
      refunds: [],
      payments: [{ kind: 'charge' }, { kind: 'refund', reference: dashboard.id, amount: { minor: PRICE_CENTS } }],
    });
    expect(await count(`SELECT count(*) AS n FROM entitlements WHERE order_id = $1 AND revoked_at IS NOT NULL`, [order.id])).toBe(1);
    expect(refundPosts(paymentIntentOf(order))).toHaveLength(0);
  });

  it("adopts a dashboard refund made while the marketplace's own refund of the charge waited, instead of refunding twice", async () => {
    const order = await paidCard();
    stripe.failWith = 500;
    await refunds().refund(order.id, 'Support refunded it by hand meanwhile');
    stripe.failWith = null;
    const dashboard = stripe.dashboardRefund(paymentIntentOf(order), PRICE_CENTS);
    const event = chargeRefunded(order);
    expect((await deliver(event)).outcome).toBe('unchanged (already refunded, or being refunded by the marketplace)');
    await sendRefunds(order.id);
    const done = await view(order.id);
    expect(done.payments.filter((p) => p.kind === 'refund').map((p) => p.reference)).toEqual([dashboard.id]);
    expect(stripe.refunds.filter((r) => r.payment_intent === paymentIntentOf(order))).toEqual([dashboard]);
  });

  it('records the payment of a second Checkout Session of a paid order and refunds it through Stripe', async () => {
    const order = await paidCard();
    const second = { ...stripe.sessionObject(sessionOf(order)), id: `cs_test_second_${order.id}`, payment_intent: `pi_second_${order.id}` };
    expect((await deliver(stripe.event('checkout.session.completed', second))).outcome).toBe(
      'refunding: a second payment for an order already paid; it is being refunded',
    );
    await sendRefunds(order.id);
    const recorded = await view(order.id);
    expect(recorded.status).toBe('paid');
    expect(recorded.payments.map((p) => [p.kind, p.reference, p.paidOrder])).toEqual([
      ['charge', paymentIntentOf(order), true],
      ['charge', `pi_second_${order.id}`, false],
      ['refund', expect.stringMatching(/^re_test_/), false],
    ]);
    expect(refundPosts(`pi_second_${order.id}`)).toHaveLength(1);
    expect(refundPosts(paymentIntentOf(order))).toHaveLength(0);
    // A second session failing leaves the order alone: only its own session cancels it.
    expect((await deliver(stripe.event('checkout.session.async_payment_failed', second))).outcome).toBe(
      `ignored: no order opened session ${second.id}`,
    );
  });

  it("ignores a paid session that names no order of ours (another integration's metadata), answering rather than failing", async () => {
    const foreign = {
      ...stripe.sessionObject(sessionOf(await orders().create(buyer, orderRequest(datasetId, 'card')))),
      metadata: { order_id: 'INV-2041' },
    };
    const answer = await deliver(stripe.event('checkout.session.completed', { ...foreign, client_reference_id: null, id: 'cs_test_elsewhere' }));
    expect(answer.outcome).toBe('rejected: session cs_test_elsewhere does not belong to an order of this marketplace');
  });

  it('processes a Stripe event id once, and the same payment under another event id pays nothing twice', async () => {
    const order = await orders().create(buyer, orderRequest(datasetId, 'card'));
    const event = stripe.event('checkout.session.completed', stripe.sessionObject(sessionOf(order)));
    const answers = await Promise.all([deliver(event), deliver(event), deliver(event)]);
    expect(answers.filter((answer) => !answer.duplicate).map((answer) => answer.outcome)).toEqual(['paid']);
    expect((await deliver(stripe.event('checkout.session.async_payment_succeeded', stripe.sessionObject(sessionOf(order))))).outcome).toBe(
      'unchanged (order is paid)',
    );
    expect(await count(`SELECT count(*) AS n FROM payments WHERE order_id = $1`, [order.id])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM order_refunds WHERE order_id = $1`, [order.id])).toBe(0);
  });
});
