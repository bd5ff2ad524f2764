import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSigner } from '@solana/kit';
import type { AuthUser } from '../src/auth/auth-user.js';
import { Role } from '../src/auth/role.js';
import { CheckoutErrorCode, CheckoutException } from '../src/checkout/checkout.exception.js';
import { AdminOrderListQuery } from '../src/checkout/dto/admin-order-list.dto.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { Order } from '../src/checkout/entities/order.entity.js';
import { OrderRepository } from '../src/checkout/repositories/order.repository.js';
import { AdminOrderListService } from '../src/checkout/services/admin-order-list.service.js';
import { OrderSettlementService } from '../src/checkout/services/order-settlement.service.js';
import { OrderService } from '../src/checkout/services/order.service.js';
import { PaymentConfirmationService } from '../src/checkout/services/payment-confirmation.service.js';
import { RefundSenderService } from '../src/checkout/services/refund-sender.service.js';
import { RefundService } from '../src/checkout/services/refund.service.js';
import type { Plain } from '../src/common/plain.js';
import { fundOtherMint } from './support/checkout.js';
import { alteredUrl } from './support/solana-pay-url.js';
import { type CheckoutServices, newFileHash, orderRequest, startCheckoutServices } from './support/checkout-services.js';

const PRICE_CENTS = 1999;
const PRICE_BASE_UNITS = 19_990_000;

/**
 * Settling USDC payments, service by service on a real database (no HTTP): the outcomes of a payment (paid, late,
 * expired, short, wrong mint or recipient, seen twice, a second payment, an overpayment, two at once) and the
 * exclusive licence's reservation of files by content hash.
 */
describe('checkout settlement and exclusive reservations (services on a real database)', () => {
  let services: CheckoutServices;
  let sellerId: string;
  let buyer: AuthUser;
  let datasetId: string;

  const orders = () => services.get(OrderService);
  const confirmations = () => services.get(PaymentConfirmationService);
  const place = (user: AuthUser, id = datasetId) => orders().create(user, orderRequest(id, 'solana'));
  const entity = async (id: string): Promise<Order> => {
    const order = await services.get(OrderRepository).findById(id);
    if (!order) throw new Error(`no order ${id}`);
    return order;
  };
  const look = async (id: string, hint?: string) => confirmations().lookFor(await entity(id), hint);
  const view = (id: string) => orders().get(buyer, id);
  const pay = async (order: Plain<OrderResponse>, change: Parameters<typeof alteredUrl>[1] = {}) => {
    if (!order.solanaPay) throw new Error(`order ${order.id} has no Solana Pay request`);
    return (await services.ledger.payWithDemoWallet(alteredUrl(order.solanaPay.url, change))).signature;
  };
  const buyerBalance = () => services.ledger.usdcBalance(services.ledger.demoBuyerAddress);
  const count = async (query: string, params: unknown[]) => Number((await services.sql<{ n: string }>(query, params))[0].n);
  const sendRefunds = (orderId: string) => services.get(RefundSenderService).sendPendingOf(orderId);

  beforeAll(async () => {
    services = await startCheckoutServices();
    sellerId = (await services.user(Role.CONTRIBUTOR)).id;
    buyer = await services.user(Role.BUYER, 'buyer@example.com');
    datasetId = services.catalog.publish(sellerId, {
      title: 'Ljubljana GNSS drives',
      priceUsdCents: PRICE_CENTS,
      exclusive: false,
      files: [newFileHash(), newFileHash()],
    });
  }, 120_000);
  afterAll(() => services.close());

  describe('settlement outcomes', () => {
    it('pays an order with an exact payment: one charge, entitled, its sale split, nothing to refund', async () => {
      const order = await place(buyer);
      const signature = await pay(order);
      const { settlements, rejections } = await look(order.id);
      expect(settlements.map((s) => s.outcome)).toEqual(['paid']);
      expect(rejections).toEqual([]);
      expect(await view(order.id)).toMatchObject({
        status: 'paid',
        payments: [{ kind: 'charge', amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' }, reference: signature, paidOrder: true }],
        refunds: [],
      });
      expect(await count(`SELECT count(*) AS n FROM entitlements WHERE order_id = $1 AND revoked_at IS NULL`, [order.id])).toBe(1);
      const [split] = await services.sql<{ gross: string }>(`SELECT gross::text FROM revenue_splits WHERE order_id = $1`, [order.id]);
      expect(split.gross).toBe(String(PRICE_BASE_UNITS));
    });

    it('expires an unpaid order, then honours a payment that arrives late', async () => {
      const order = await place(buyer);
      await expect(services.get(OrderSettlementService).delivered(order.id)).rejects.toMatchObject({ code: CheckoutErrorCode.ORDER_NOT_PAID });
      const settlement = services.get(OrderSettlementService);
      expect(
        (await settlement.transaction((manager) => settlement.expire(manager, order.id, `not paid by ${new Date(order.expiresAt).toISOString()}`)))
          .status,
      ).toBe('expired');
      await pay(order);
      expect((await look(order.id)).settlements.map((s) => s.outcome)).toEqual(['paid']);
      expect(await view(order.id)).toMatchObject({ status: 'paid', statusReason: expect.stringContaining('late payment was honoured') });
    });

    it('records a short payment and sends it back whole; the order stays payable and a full payment then pays it', async () => {
      const order = await place(buyer);
      const before = await buyerBalance();
      const short = await pay(order, { amount: 19.98 });
      const { settlements } = await look(order.id);
      expect(settlements).toEqual([
        expect.objectContaining({
          outcome: 'returned',
          code: CheckoutErrorCode.PAYMENT_INVALID,
          reason: expect.stringContaining('short payment: 19.98 USDC'),
        }),
      ]);
      await expect(confirmations().confirmForHolder(buyer, order.id, 'solana')).rejects.toMatchObject({
        code: CheckoutErrorCode.PAYMENT_NOT_FOUND,
      });
      expect(await view(order.id)).toMatchObject({
        status: 'pending',
        lastPaymentError: expect.stringContaining('short payment'),
        payments: [{ kind: 'charge', amount: { minor: 19_980_000 }, reference: short, paidOrder: false }],
        refunds: [{ portion: 'rest', amount: { minor: 19_980_000, currency: 'USDC' }, status: 'pending' }],
      });
      await sendRefunds(order.id);
      expect(await buyerBalance()).toBe(before);
      await pay(order);
      expect((await look(order.id)).settlements.map((s) => s.outcome)).toEqual(['paid']);
      const paid = await view(order.id);
      expect(paid.status).toBe('paid');
      expect(paid.payments.map((p) => [p.kind, p.amount.minor])).toEqual([
        ['charge', 19_980_000],
        ['refund', 19_980_000],
        ['charge', PRICE_BASE_UNITS],
      ]);
    });

    it('never records a transfer to another wallet or in another mint, and says why', async () => {
      const elsewhere = await place(buyer);
      const stranger = (await generateKeyPairSigner()).address;
      await services.ledger.ensureTokenAccount(stranger);
      await pay(elsewhere, { recipient: stranger });
      const wrongRecipient = await look(elsewhere.id);
      expect(wrongRecipient.settlements).toEqual([]);
      expect(wrongRecipient.rejections).toEqual([
        { code: CheckoutErrorCode.PAYMENT_INVALID, reason: expect.stringContaining(`wrong recipient: the USDC went to ${stranger}`) },
      ]);

      const otherToken = await place(buyer);
      const otherMint = await fundOtherMint(services.ledger, 100_000_000n);
      await pay(otherToken, { splToken: otherMint });
      expect((await look(otherToken.id)).rejections).toEqual([
        { code: CheckoutErrorCode.PAYMENT_INVALID, reason: expect.stringContaining(`wrong mint: the transfer moved token ${otherMint}`) },
      ]);
      for (const id of [elsewhere.id, otherToken.id]) {
        expect(await view(id)).toMatchObject({ status: 'pending', payments: [], refunds: [], lastPaymentError: expect.stringContaining('wrong') });
      }
    });

    it('records a transaction once however often it is seen (watcher, confirm, confirm with its signature)', async () => {
      const order = await place(buyer);
      const signature = await pay(order);
      await look(order.id);
      expect((await look(order.id)).settlements).toEqual([]);
      expect((await confirmations().confirmForHolder(buyer, order.id, 'solana', signature)).status).toBe('paid');
      expect(await count(`SELECT count(*) AS n FROM payments WHERE order_id = $1`, [order.id])).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM entitlements WHERE order_id = $1`, [order.id])).toBe(1);
    });

    it('records a second payment of a paid order and sends it back exactly once', async () => {
      const order = await place(buyer);
      const before = await buyerBalance();
      const first = await pay(order);
      await look(order.id);
      const second = await pay(order);
      expect((await confirmations().confirmForHolder(buyer, order.id, 'solana')).status).toBe('paid');
      const recorded = await view(order.id);
      expect(recorded.payments).toEqual([
        expect.objectContaining({ kind: 'charge', reference: first, paidOrder: true }),
        expect.objectContaining({ kind: 'charge', reference: second, paidOrder: false }),
      ]);
      expect(recorded.refunds).toEqual([
        expect.objectContaining({
          chargeId: recorded.payments[1].id,
          portion: 'rest',
          amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' },
          status: 'pending',
          reason: expect.stringContaining('second payment'),
        }),
      ]);
      await sendRefunds(order.id);
      await sendRefunds(order.id);
      await look(order.id);
      const refunded = await view(order.id);
      expect(refunded).toMatchObject({ status: 'paid', refunds: [{ status: 'sent' }] });
      expect(refunded.payments.filter((p) => p.kind === 'refund')).toEqual([
        expect.objectContaining({ amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' }, refundOf: recorded.payments[1].id }),
      ]);
      expect(await buyerBalance()).toBe(before - BigInt(PRICE_BASE_UNITS));
    });

    it('pays with an overpayment and sends only the excess back, once; the sale is split on the price', async () => {
      const order = await place(buyer);
      const before = await buyerBalance();
      await pay(order, { amount: 25 });
      expect((await look(order.id)).settlements.map((s) => s.outcome)).toEqual(['paid']);
      expect((await view(order.id)).refunds).toEqual([
        expect.objectContaining({
          portion: 'excess',
          amount: { minor: 5_010_000, currency: 'USDC' },
          reason: expect.stringContaining('overpayment'),
        }),
      ]);
      // Two senders at once (a job and the admin route, on two instances): one sends, the other finds it taken.
      const senders = await Promise.allSettled([sendRefunds(order.id), sendRefunds(order.id)]);
      expect(senders.filter((sender) => sender.status === 'fulfilled')).not.toHaveLength(0);
      await sendRefunds(order.id);
      expect(await buyerBalance()).toBe(before - BigInt(PRICE_BASE_UNITS));
      expect((await view(order.id)).payments.map((p) => [p.kind, p.amount.minor])).toEqual([
        ['charge', 25_000_000],
        ['refund', 5_010_000],
      ]);
      const [split] = await services.sql<{ gross: string }>(`SELECT gross::text FROM revenue_splits WHERE order_id = $1`, [order.id]);
      expect(split.gross).toBe(String(PRICE_BASE_UNITS));
    });

    it('records both of two different transactions confirmed at the same moment: one pays, the other goes back', async () => {
      const order = await place(buyer);
      const signatures = [await pay(order), await pay(order)];
      const answers = await Promise.all(signatures.map((signature) => confirmations().confirmForHolder(buyer, order.id, 'solana', signature)));
      expect(answers.map((answer) => answer.status)).toEqual(['paid', 'paid']);
      const recorded = await view(order.id);
      expect(recorded.payments.map((p) => p.reference).sort()).toEqual([...signatures].sort());
      expect(recorded.payments.filter((p) => p.paidOrder)).toHaveLength(1);
      const extra = recorded.payments.find((p) => !p.paidOrder);
      expect(recorded.refunds).toEqual([expect.objectContaining({ chargeId: extra?.id, amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' } })]);
      expect(await count(`SELECT count(*) AS n FROM entitlements WHERE order_id = $1`, [order.id])).toBe(1);
    });

    it('holds a refund it cannot send (the paying wallet is unknown) for an admin, on the order and in the admin list', async () => {
      const order = await place(buyer);
      await pay(order);
      await look(order.id);
      const inputs = await services.get(OrderSettlementService).prepare(await entity(order.id));
      const settled = await services
        .get(OrderSettlementService)
        .transaction((manager) =>
          services
            .get(OrderSettlementService)
            .settlePayment(
              manager,
              order.id,
              { method: 'solana', reference: `unknown-payer-${order.id}`, amountMinor: PRICE_BASE_UNITS, currency: 'USDC', payer: null },
              inputs,
            ),
        );
      expect(settled).toMatchObject({ outcome: 'returned', code: null });
      expect((await view(order.id)).refunds).toEqual([
        expect.objectContaining({ status: 'held', heldReason: expect.stringContaining('wallet that paid is not known') }),
      ]);
      await sendRefunds(order.id);
      expect((await view(order.id)).refunds[0].status).toBe('held');
      const held = await services
        .get(AdminOrderListService)
        .list(Object.assign(new AdminOrderListQuery(), { refundStatus: 'held' as const, limit: 10 }));
      expect(held.items.map((item) => item.id)).toEqual([order.id]);
      expect(held.items[0].refunds[0]).toMatchObject({ status: 'held' });
    });
  });

  describe('exclusive licences reserve files by content hash', () => {
    const exclusiveDataset = (files: string[]) =>
      services.catalog.publish(sellerId, { title: 'Exclusive CAN logs', priceUsdCents: 50_000, exclusive: true, files });

    it('a title-only new version of an exclusive sale cannot be ordered; a version whose files are all new can', async () => {
      const files = [newFileHash(), newFileHash()];
      const id = exclusiveDataset(files);
      const first = await place(buyer, id);
      await pay(first);
      expect((await look(first.id)).settlements.map((s) => s.outcome)).toEqual(['paid']);

      services.catalog.publishVersion(id, { title: 'Exclusive CAN logs (renamed)', priceUsdCents: 50_000, exclusive: true, files });
      const rival = await services.user(Role.BUYER);
      await expect(place(rival, id)).rejects.toMatchObject({
        code: CheckoutErrorCode.EXCLUSIVE_SOLD,
        message: expect.stringContaining('already sold'),
      });
      // Any licence on those bytes, not only an exclusive one.
      services.catalog.publishVersion(id, { title: 'Now open to all', priceUsdCents: 900, exclusive: false, files: [files[0], newFileHash()] });
      await expect(place(rival, id)).rejects.toBeInstanceOf(CheckoutException);

      services.catalog.publishVersion(id, { title: 'New drives', priceUsdCents: 50_000, exclusive: true, files: [newFileHash(), newFileHash()] });
      const fresh = await place(rival, id);
      expect(fresh).toMatchObject({ status: 'pending', version: 4, exclusive: true });
    });

    it('refunds a payment for another version holding the same files once the exclusive licence is sold', async () => {
      const files = [newFileHash(), newFileHash()];
      const id = exclusiveDataset(files);
      const winner = await place(buyer, id);
      services.catalog.publishVersion(id, { title: 'Exclusive CAN logs v2', priceUsdCents: 50_000, exclusive: false, files });
      const rival = await services.user(Role.BUYER);
      const loser = await place(rival, id);
      await pay(winner);
      await pay(loser);
      expect((await look(winner.id)).settlements.map((s) => s.outcome)).toEqual(['paid']);
      const lost = await look(loser.id);
      expect(lost.settlements).toEqual([expect.objectContaining({ outcome: 'returned', code: CheckoutErrorCode.EXCLUSIVE_SOLD })]);
      expect(await orders().get(rival, loser.id)).toMatchObject({
        status: 'refunded',
        statusReason: expect.stringContaining('sold to another buyer'),
        refunds: [{ portion: 'rest', status: 'pending' }],
      });
      await expect(confirmations().confirmForHolder(rival, loser.id, 'solana')).rejects.toMatchObject({ code: CheckoutErrorCode.EXCLUSIVE_SOLD });
    });

    it('refuses an exclusive order on files already sold under an ordinary licence, until that sale is refunded', async () => {
      const files = [newFileHash(), newFileHash()];
      const id = services.catalog.publish(sellerId, { title: 'Open CAN logs', priceUsdCents: 900, exclusive: false, files });
      const ordinary = await place(buyer, id);
      await pay(ordinary);
      expect((await look(ordinary.id)).settlements.map((s) => s.outcome)).toEqual(['paid']);

      const version = services.catalog.publishVersion(id, {
        title: 'Now exclusive',
        priceUsdCents: 50_000,
        exclusive: true,
        files: [files[1], newFileHash()],
      });
      const rival = await services.user(Role.BUYER);
      const refused = await place(rival, id).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(CheckoutException);
      expect(refused).toMatchObject({
        code: CheckoutErrorCode.EXCLUSIVE_UNAVAILABLE,
        status: 409,
        message: expect.stringContaining(`Version ${version} of dataset ${id} holds files already sold under a non-exclusive licence`),
      });
      // An ordinary licence on the same bytes is still for sale.
      services.catalog.publishVersion(id, { title: 'Open again', priceUsdCents: 900, exclusive: false, files });
      expect(await place(rival, id)).toMatchObject({ status: 'pending', exclusive: false });

      await services.get(RefundService).refund(ordinary.id, 'Bought by mistake');
      services.catalog.publishVersion(id, { title: 'Exclusive at last', priceUsdCents: 50_000, exclusive: true, files });
      expect(await place(rival, id)).toMatchObject({ status: 'pending', exclusive: true });
    });

    it('refunds an exclusive payment when an ordinary sale of the same files was paid first', async () => {
      const files = [newFileHash(), newFileHash()];
      const id = services.catalog.publish(sellerId, { title: 'Open lidar sweeps', priceUsdCents: 900, exclusive: false, files });
      const ordinary = await place(buyer, id);
      services.catalog.publishVersion(id, { title: 'Exclusive lidar sweeps', priceUsdCents: 50_000, exclusive: true, files });
      const rival = await services.user(Role.BUYER);
      const exclusive = await place(rival, id);
      expect(exclusive).toMatchObject({ status: 'pending', exclusive: true });
      await pay(ordinary);
      await pay(exclusive);
      expect((await look(ordinary.id)).settlements.map((s) => s.outcome)).toEqual(['paid']);
      const lost = await look(exclusive.id);
      expect(lost.settlements).toEqual([
        expect.objectContaining({
          outcome: 'returned',
          code: CheckoutErrorCode.EXCLUSIVE_UNAVAILABLE,
          reason: expect.stringContaining('already sold under a non-exclusive licence'),
        }),
      ]);
      expect(await orders().get(rival, exclusive.id)).toMatchObject({
        status: 'refunded',
        statusReason: expect.stringContaining('non-exclusive licence'),
        refunds: [{ portion: 'rest', amount: { minor: 500_000_000 }, status: 'pending' }],
      });
      await expect(confirmations().confirmForHolder(rival, exclusive.id, 'solana')).rejects.toMatchObject({
        code: CheckoutErrorCode.EXCLUSIVE_UNAVAILABLE,
      });
      expect(await count(`SELECT count(*) AS n FROM entitlements WHERE order_id = $1`, [exclusive.id])).toBe(0);
      expect(await count(`SELECT count(*) AS n FROM licensed_files WHERE sha256 = ANY($1) AND exclusive_order_id IS NOT NULL`, [files])).toBe(0);
    });

    it('sells the same bytes exclusively once when two versions race, and a refund of the sale frees them', async () => {
      const files = [newFileHash(), newFileHash(), newFileHash()];
      const id = exclusiveDataset(files);
      const rival = await services.user(Role.BUYER);
      const one = await place(buyer, id);
      services.catalog.publishVersion(id, { title: 'Same files, new title', priceUsdCents: 50_000, exclusive: true, files });
      const two = await place(rival, id);
      await pay(one);
      await pay(two);
      const [a, b] = await Promise.all([look(one.id), look(two.id)]);
      expect([...a.settlements, ...b.settlements].map((s) => s.outcome).sort()).toEqual(['paid', 'returned']);
      const winner = a.settlements[0].outcome === 'paid' ? one : two;
      const holders = await services.sql<{ exclusive_order_id: string }>(`SELECT exclusive_order_id FROM licensed_files WHERE sha256 = ANY($1)`, [
        files,
      ]);
      expect(holders.map((row) => row.exclusive_order_id)).toEqual([winner.id, winner.id, winner.id]);

      await services.get(RefundService).refund(winner.id, 'Bought by mistake');
      expect(await count(`SELECT count(*) AS n FROM licensed_files WHERE exclusive_order_id = $1`, [winner.id])).toBe(0);
      const again = await place(await services.user(Role.BUYER), id);
      expect(again.status).toBe('pending');
    });
  });
});
