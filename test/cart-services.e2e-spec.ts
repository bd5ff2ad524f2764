import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthUser } from '../src/auth/auth-user.js';
import { Role } from '../src/auth/role.js';
import { CheckoutErrorCode } from '../src/checkout/checkout.exception.js';
import { AddCartLineDto, CartCheckoutDto, type CheckoutResponse } from '../src/checkout/dto/cart.dto.js';
import { CartPaymentService } from '../src/checkout/services/cart-payment.service.js';
import { CartService } from '../src/checkout/services/cart.service.js';
import { OrderService } from '../src/checkout/services/order.service.js';
import { PaymentConfirmationService } from '../src/checkout/services/payment-confirmation.service.js';
import { RefundSenderService } from '../src/checkout/services/refund-sender.service.js';
import { OrderRepository } from '../src/checkout/repositories/order.repository.js';
import type { Plain } from '../src/common/plain.js';
import { alteredUrl } from './support/solana-pay-url.js';
import { type CheckoutServices, newFileHash, orderRequest, startCheckoutServices } from './support/checkout-services.js';

/** USDC base units per USD cent. */
const BASE_UNITS_PER_CENT = 10_000;

/**
 * The cart and multi-line checkouts (issue 13, part 3), service by service on a real database: one checkout of lines
 * from two sellers paid by one USDC transfer, each order paid by its own share and split; a line taken down before
 * the payment refunded exactly its share; two confirmations at once; short and over payments; refusals that store
 * nothing.
 */
describe('cart checkouts (services on a real database)', () => {
  let services: CheckoutServices;
  let sellerA: string;
  let sellerB: string;
  let buyer: AuthUser;
  let other: AuthUser;

  const cart = () => services.get(CartService);
  const add = (user: AuthUser, datasetId: string) => cart().add(user, Object.assign(new AddCartLineDto(), { datasetId }));
  const checkout = (user: AuthUser) => cart().checkout(user, Object.assign(new CartCheckoutDto(), { paymentMethod: 'solana' }));
  const publish = (sellerId: string, title: string, priceUsdCents: number, exclusive = false) =>
    services.catalog.publish(sellerId, { title, priceUsdCents, exclusive, files: [newFileHash(), newFileHash()] });
  const pay = async (placed: Plain<CheckoutResponse>, change: Parameters<typeof alteredUrl>[1] = {}) => {
    if (!placed.solanaPay) throw new Error(`checkout ${placed.id} has no Solana Pay request`);
    return (await services.ledger.payWithDemoWallet(alteredUrl(placed.solanaPay.url, change))).signature;
  };
  const count = async (query: string, params: unknown[] = []) => Number((await services.sql<{ n: string }>(query, params))[0].n);
  const splitGross = async (orderId: string) =>
    (await services.sql<{ gross: string }>(`SELECT gross::text FROM revenue_splits WHERE order_id = $1`, [orderId])).map((row) => Number(row.gross));
  const buyerBalance = () => services.ledger.usdcBalance(services.ledger.demoBuyerAddress);

  /** The buyer checks out a new dataset of each seller; `change` then happens to the second one, before the payment. */
  const checkoutThenChange = async (keptCents: number, changedCents: number, change: (datasetId: string) => void) => {
    const kept = publish(sellerA, 'Kept', keptCents);
    const changed = publish(sellerB, 'Changed', changedCents);
    await add(buyer, kept);
    await add(buyer, changed);
    const placed = await checkout(buyer);
    change(changed);
    return { placed, kept, changed };
  };

  beforeAll(async () => {
    services = await startCheckoutServices();
    sellerA = (await services.user(Role.CONTRIBUTOR)).id;
    sellerB = (await services.user(Role.CONTRIBUTOR)).id;
    buyer = await services.user(Role.BUYER, 'cart-buyer@example.com');
    other = await services.user(Role.BUYER, 'other-buyer@example.com');
  }, 120_000);
  afterAll(() => services.close());

  it('checks out three lines from two sellers as three orders and one USDC request for the sum; one payment pays each order its own amount', async () => {
    const lines = [publish(sellerA, 'Drives A', 1999), publish(sellerA, 'Lidar A', 500), publish(sellerB, 'Drone B', 12_345)];
    for (const id of lines) await add(buyer, id);
    const view = await cart().view(buyer);
    expect(view).toMatchObject({ totalUsdCents: 1999 + 500 + 12_345, payable: true });
    expect(view.lines.map((line) => [line.datasetId, line.priceUsdCents, line.problem])).toEqual([
      [lines[0], 1999, null],
      [lines[1], 500, null],
      [lines[2], 12_345, null],
    ]);

    const placed = await checkout(buyer);
    const total = (1999 + 500 + 12_345) * BASE_UNITS_PER_CENT;
    expect(placed.amount).toEqual({ minor: total, currency: 'USDC' });
    expect(placed.solanaPay?.amount).toBe('148.44');
    expect(placed.orders.map((order) => [order.datasetId, order.status, order.amount.minor, order.checkoutId]).sort()).toEqual(
      [
        [lines[0], 'pending', 1999 * BASE_UNITS_PER_CENT, placed.id],
        [lines[1], 'pending', 500 * BASE_UNITS_PER_CENT, placed.id],
        [lines[2], 'pending', 12_345 * BASE_UNITS_PER_CENT, placed.id],
      ].sort(),
    );
    // No order of a checkout has a payment request of its own: the checkout holds the one request.
    expect(placed.orders.every((order) => order.solanaPay === undefined)).toBe(true);
    expect((await cart().view(buyer)).lines).toEqual([]);

    const signature = await pay(placed);
    const confirmed = await cart().confirm(buyer, placed.id);
    expect(confirmed.solanaPay).toBeUndefined();
    for (const order of confirmed.orders) {
      expect(order).toMatchObject({
        status: 'paid',
        payments: [
          {
            kind: 'charge',
            amount: { minor: order.amount.minor, currency: 'USDC' },
            reference: signature,
            paidOrder: true,
          },
        ],
        refunds: [],
      });
      expect(await splitGross(order.id)).toEqual([order.amount.minor]);
      expect(await count(`SELECT count(*) AS n FROM entitlements WHERE order_id = $1 AND revoked_at IS NULL`, [order.id])).toBe(1);
    }
    // Each order records its own share (`<signature>#<line>`), shown as the one transfer.
    expect(await count(`SELECT count(*) AS n FROM payments WHERE external_reference LIKE $1`, [`${signature}#_`])).toBe(3);
    // Each order is visible as it always was, naming its checkout.
    const one = await services.get(OrderService).get(buyer, confirmed.orders[0].id);
    expect(one.checkoutId).toBe(placed.id);
    // The shares add up to exactly what arrived, each naming the one transfer.
    expect(await count(`SELECT sum(amount_minor) AS n FROM payments WHERE provider_reference = $1 AND kind = 'charge'`, [signature])).toBe(total);
  });

  it('refunds exactly the share of a line taken down between checkout and payment, and fulfils and splits the others', async () => {
    const {
      placed,
      kept,
      changed: gone,
    } = await checkoutThenChange(700, 450, (id) => {
      services.catalog.takeDown(id);
    });
    const before = await buyerBalance();
    await pay(placed);
    const after = await cart().confirm(buyer, placed.id);
    const keptOrder = after.orders.find((order) => order.datasetId === kept);
    const goneOrder = after.orders.find((order) => order.datasetId === gone);
    expect(keptOrder).toMatchObject({ status: 'paid', refunds: [] });
    expect(goneOrder).toMatchObject({
      status: 'refunded',
      statusReason: expect.stringContaining('taken down or unlisted after checkout'),
      refunds: [{ portion: 'rest', amount: { minor: 450 * BASE_UNITS_PER_CENT, currency: 'USDC' }, status: 'pending' }],
    });
    if (!keptOrder || !goneOrder) throw new Error('both lines are orders');
    expect(await splitGross(keptOrder.id)).toEqual([700 * BASE_UNITS_PER_CENT]);
    expect(await splitGross(goneOrder.id)).toEqual([]);
    expect(await count(`SELECT count(*) AS n FROM entitlements WHERE order_id = $1`, [goneOrder.id])).toBe(0);
    await services.get(RefundSenderService).sendPendingOf(goneOrder.id);
    expect(await buyerBalance()).toBe(before - 700n * BigInt(BASE_UNITS_PER_CENT));
    const refunded = await services.get(OrderService).get(buyer, goneOrder.id);
    expect(refunded.payments.map((payment) => [payment.kind, payment.amount.minor])).toEqual([
      ['charge', 450 * BASE_UNITS_PER_CENT],
      ['refund', 450 * BASE_UNITS_PER_CENT],
    ]);
  });

  it('refunds the share of a line whose version another replaced between checkout and payment', async () => {
    const {
      placed,
      kept: stays,
      changed: replaced,
    } = await checkoutThenChange(250, 350, (id) => {
      services.catalog.publishVersion(id, { title: 'Replaced', priceUsdCents: 350, exclusive: false, files: [newFileHash()] });
    });
    await pay(placed);
    const after = await cart().confirm(buyer, placed.id);
    expect(after.orders.find((order) => order.datasetId === stays)?.status).toBe('paid');
    expect(after.orders.find((order) => order.datasetId === replaced)).toMatchObject({
      status: 'refunded',
      statusReason: expect.stringContaining('replaced by version 2 after checkout'),
      refunds: [{ portion: 'rest', amount: { minor: 350 * BASE_UNITS_PER_CENT, currency: 'USDC' }, status: 'pending' }],
    });
  });

  it('settles once when two confirmations of the same payment race', async () => {
    await add(buyer, publish(sellerA, 'Race A', 300));
    await add(buyer, publish(sellerB, 'Race B', 400));
    const placed = await checkout(buyer);
    const signature = await pay(placed);
    const [first, second] = await Promise.all([
      services.get(CartPaymentService).lookFor(placed.id),
      services.get(CartPaymentService).lookFor(placed.id),
    ]);
    expect([...first.settlements, ...second.settlements].filter((settled) => settled.outcome === 'paid')).toHaveLength(2);
    expect(await count(`SELECT count(*) AS n FROM payments WHERE provider_reference = $1`, [signature])).toBe(2);
    for (const order of placed.orders) expect(await splitGross(order.id)).toEqual([order.amount.minor]);
    // The slower confirmation found the shares recorded: nothing changed.
    expect([...first.settlements, ...second.settlements].filter((settled) => settled.outcome === 'unchanged')).toHaveLength(2);
    // A watcher's look at any order of the checkout finds nothing new.
    const entity = await services.get(OrderRepository).findById(placed.orders[1].id);
    if (!entity) throw new Error('order stored');
    expect(await services.get(PaymentConfirmationService).lookFor(entity)).toEqual({ settlements: [], rejections: [] });
  });

  it('places one checkout when the same cart is checked out twice at once; the other stores nothing', async () => {
    const buyerOnce = await services.user(Role.BUYER, 'twice@example.com');
    await add(buyerOnce, publish(sellerA, 'Twice A', 120));
    await add(buyerOnce, publish(sellerB, 'Twice B', 130));
    const orders = await count(`SELECT count(*) AS n FROM orders`);
    const outcomes = await Promise.allSettled([checkout(buyerOnce), checkout(buyerOnce)]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: { code: CheckoutErrorCode.CART_EMPTY } });
    expect(await count(`SELECT count(*) AS n FROM orders`)).toBe(orders + 2);
    expect(await count(`SELECT count(*) AS n FROM cart_checkouts WHERE buyer_id = $1`, [buyerOnce.id])).toBe(1);
  });

  it('sends a payment short of the sum back whole and pays nothing; an overpayment pays every line and returns the excess', async () => {
    await add(buyer, publish(sellerA, 'Short A', 1000));
    await add(buyer, publish(sellerB, 'Short B', 1000));
    const placed = await checkout(buyer);
    const before = await buyerBalance();
    await pay(placed, { amount: 19.99 });
    await expect(cart().confirm(buyer, placed.id)).rejects.toMatchObject({ code: CheckoutErrorCode.PAYMENT_NOT_FOUND });
    const short = await cart().get(buyer, placed.id);
    expect(short.orders.map((order) => order.status)).toEqual(['pending', 'pending']);
    expect(short.orders.every((order) => order.lastPaymentError?.includes('short payment: 19.99 USDC arrived, less than the 20 USDC'))).toBe(true);
    const withCharge = short.orders.find((order) => order.payments.length > 0);
    expect(withCharge?.refunds).toEqual([expect.objectContaining({ portion: 'rest', amount: { minor: 19_990_000, currency: 'USDC' } })]);
    if (!withCharge) throw new Error('the short payment is recorded');
    await services.get(RefundSenderService).sendPendingOf(withCharge.id);
    expect(await buyerBalance()).toBe(before);

    await pay(placed, { amount: 21 });
    const paid = await cart().confirm(buyer, placed.id);
    expect(paid.orders.map((order) => order.status)).toEqual(['paid', 'paid']);
    const excess = paid.orders.flatMap((order) => order.refunds.filter((refund) => refund.portion === 'excess'));
    expect(excess).toEqual([expect.objectContaining({ amount: { minor: 1_000_000, currency: 'USDC' } })]);
    for (const order of paid.orders) expect(await splitGross(order.id)).toEqual([10_000_000]);
  });

  it('refuses a checkout with a line no longer for sale, an empty cart or a line already held, and stores nothing', async () => {
    const fine = publish(sellerA, 'Fine', 100);
    const unlisted = publish(sellerB, 'Unlisted later', 100);
    await add(other, fine);
    await add(other, unlisted);
    services.catalog.takeDown(unlisted);
    expect((await cart().view(other)).lines.find((line) => line.datasetId === unlisted)).toMatchObject({
      problem: expect.stringContaining('no longer for sale'),
    });
    expect((await cart().view(other)).payable).toBe(false);
    const orders = await count(`SELECT count(*) AS n FROM orders`);
    const checkouts = await count(`SELECT count(*) AS n FROM cart_checkouts`);
    await expect(checkout(other)).rejects.toMatchObject({ code: CheckoutErrorCode.DATASET_NOT_FOR_SALE });
    expect(await count(`SELECT count(*) AS n FROM orders`)).toBe(orders);
    expect(await count(`SELECT count(*) AS n FROM cart_checkouts`)).toBe(checkouts);
    expect((await cart().view(other)).lines).toHaveLength(2);

    // The foreign line id is as unknown as a missing one.
    const [line] = (await cart().view(other)).lines;
    await expect(cart().remove(buyer, line.id)).rejects.toMatchObject({ code: CheckoutErrorCode.CART_LINE_NOT_FOUND });
    for (const each of (await cart().view(other)).lines) await cart().remove(other, each.id);
    await expect(checkout(other)).rejects.toMatchObject({ code: CheckoutErrorCode.CART_EMPTY });

    // Already held (a paid single order) and already in the cart: refused when added.
    const held = publish(sellerA, 'Held', 100);
    await services.get(OrderService).create(other, orderRequest(held, 'solana'));
    await expect(add(other, held)).rejects.toMatchObject({ code: CheckoutErrorCode.ALREADY_ORDERED });
    await add(other, fine);
    await expect(add(other, fine)).rejects.toMatchObject({ code: CheckoutErrorCode.CART_LINE_EXISTS });
  });

  it('refuses a line whose exclusive licence another buyer bought', async () => {
    const exclusive = publish(sellerB, 'Exclusive', 5000, true);
    await add(other, exclusive);
    const rival = await services.get(OrderService).create(buyer, orderRequest(exclusive, 'solana'));
    if (!rival.solanaPay) throw new Error('USDC order');
    await services.ledger.payWithDemoWallet(rival.solanaPay.url);
    await services.get(PaymentConfirmationService).confirmForHolder(buyer, rival.id, 'solana');
    const orders = await count(`SELECT count(*) AS n FROM orders`);
    await expect(checkout(other)).rejects.toMatchObject({ code: CheckoutErrorCode.EXCLUSIVE_SOLD });
    expect(await count(`SELECT count(*) AS n FROM orders`)).toBe(orders);
  });
});
