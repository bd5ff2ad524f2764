import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { Role } from '../../auth/role.js';
import { CatalogSalesService } from '../../catalog/services/catalog-sales.service.js';
import type { Plain } from '../../common/plain.js';
import { isUniqueViolation } from '../../database/pg-errors.js';
import { JobsService } from '../../queue/jobs.service.js';
import { QuotesService } from '../../quotes/services/quotes.service.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import { watchSolanaQueue } from '../checkout.jobs.js';
import type {
  AddCartLineDto,
  CartCheckoutDto,
  CartCountResponse,
  CartLineView,
  CartResponse,
  CheckoutResponse,
  PlacedCheckout,
} from '../dto/cart.dto.js';
import type { CartCheckout } from '../entities/cart-checkout.entity.js';
import type { CartLine } from '../entities/cart-line.entity.js';
import type { OrderStatus } from '../order-state-machine.js';
import type { PaymentMethod, PaymentMethodHandler } from '../payment-methods/payment-method.js';
import type { OrganisationRef } from '../../organisations/services/organisation.service.js';
import { PaymentMethodRegistry } from '../payment-methods/payment-method.registry.js';
import { CartCheckoutRepository } from '../repositories/cart-checkout.repository.js';
import { CartLineRepository } from '../repositories/cart-line.repository.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { OrderSliceRepository } from '../repositories/order-slice.repository.js';
import { CartPaymentService, payableCheckout } from './cart-payment.service.js';
import { OrderPresenterService } from './order-presenter.service.js';
import { type DraftedLine, OrderService, payableOf } from './order.service.js';

/** One order of a checkout as other modules see it (CartService.ordersOf). */
export interface CheckoutOrderState {
  orderId: string;
  datasetId: string;
  datasetTitle: string;
  status: OrderStatus;
  expiresAt: Date;
}

/** Lines one checkout pays at most (a Stripe Checkout Session takes up to 100 line items). */
export const MAX_CART_LINES = 20;

/**
 * A buyer's cart (issue 13, part 3): whole versions and quoted slices from any sellers, paid once. Checkout places
 * one order per line, each exactly as POST /v1/orders would (OrderService.draftLine: licence snapshot, version,
 * slice, price), and one payment request for the sum, in one transaction; any line refused refuses the checkout.
 */
@Injectable()
export class CartService {
  constructor(
    private readonly lines: CartLineRepository,
    private readonly checkouts: CartCheckoutRepository,
    private readonly orders: OrderRepository,
    private readonly slices: OrderSliceRepository,
    private readonly orderService: OrderService,
    private readonly presenter: OrderPresenterService,
    private readonly cartPayments: CartPaymentService,
    private readonly methods: PaymentMethodRegistry,
    private readonly catalog: CatalogSalesService,
    private readonly quotes: QuotesService,
    private readonly jobs: JobsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Adds a line after checking it is for sale now (a quote: the buyer's, unexpired, still at the listed prices) and, as
   * an order would be, not a version the buyer already holds unless the line says it is meant (allowRepeat).
   */
  async add(user: AuthUser, dto: AddCartLineDto): Promise<Plain<CartResponse>> {
    const allowRepeat = dto.allowRepeat ?? false;
    if ((await this.lines.countOf(user.id)) >= MAX_CART_LINES) {
      throw new CheckoutException(CheckoutErrorCode.CART_FULL, `A cart holds at most ${MAX_CART_LINES} lines: check out or remove some first`);
    }
    // The same checks as an order, nothing stored: the line is for sale now and would be taken at checkout.
    const { order } = await this.orderService.draftLine(
      user,
      null,
      { datasetId: dto.datasetId, version: dto.version, quoteId: dto.quoteId, allowRepeat },
      this.methods.all()[0],
      new Date(),
    );
    try {
      await this.lines.insert({
        id: randomUUID(),
        buyerId: user.id,
        datasetId: order.datasetId,
        version: order.version,
        quoteId: dto.quoteId ?? null,
        allowRepeat,
        addedAt: new Date(),
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const what = dto.quoteId ? `quote ${dto.quoteId}` : `version ${order.version} of "${order.datasetTitle}"`;
      throw new CheckoutException(CheckoutErrorCode.CART_LINE_EXISTS, `Your cart already holds ${what}`);
    }
    return this.view(user);
  }

  async remove(user: AuthUser, lineId: string): Promise<Plain<CartResponse>> {
    if (!(await this.lines.removeOwn(user.id, lineId))) {
      throw new CheckoutException(CheckoutErrorCode.CART_LINE_NOT_FOUND, `No line ${lineId} in your cart`);
    }
    return this.view(user);
  }

  async count(user: AuthUser): Promise<Plain<CartCountResponse>> {
    return { count: await this.lines.countOf(user.id) };
  }

  /** The cart with each line as it would be bought now, and why checkout would refuse a line (expired quote, unlisted). */
  async view(user: AuthUser): Promise<Plain<CartResponse>> {
    const lines = await Promise.all((await this.lines.listOf(user.id)).map((line) => this.lineView(user, line)));
    return {
      lines,
      totalUsdCents: lines.reduce((sum, line) => sum + line.priceUsdCents, 0),
      payable: lines.length > 0 && lines.every((line) => line.problem === null),
    };
  }

  /**
   * Places one order per line and one payment request for the sum, in one transaction, and empties the cart. A line
   * refused (not for sale, expired quote, exclusive licence taken, already held and not added with allowRepeat...)
   * refuses the whole checkout with its error, naming the line; nothing is stored then.
   */
  async checkout(user: AuthUser, dto: CartCheckoutDto): Promise<Plain<CheckoutResponse>> {
    const handler = this.orderService.availableMethod(dto.paymentMethod);
    const organisation = dto.organisationId === undefined ? null : await this.orderService.purchasingFor(user, dto.organisationId);
    const lines = await this.lines.listOf(user.id);
    if (lines.length === 0) throw new CheckoutException(CheckoutErrorCode.CART_EMPTY, 'Your cart is empty: add datasets or slices first');
    const checkoutId = await this.place(
      user,
      organisation,
      lines.map((line) => ({ datasetId: line.datasetId, version: line.version, quoteId: line.quoteId ?? undefined, allowRepeat: line.allowRepeat })),
      handler,
      async (manager) => {
        // Another checkout of the same cart got there first: it took the lines, and this one stores nothing.
        const taken = await this.lines.removeCheckedOut(
          manager,
          user.id,
          lines.map((line) => line.id),
        );
        if (taken !== lines.length) {
          throw new CheckoutException(
            CheckoutErrorCode.CART_EMPTY,
            'Your cart changed while checking out (another checkout took its lines): look at it again',
          );
        }
      },
    );
    return this.get(user, checkoutId);
  }

  /**
   * One checkout of quoted slices for the buyer, without a cart (an area subscription's monthly invoice): each quote
   * a line, placed exactly as a cart checkout places its lines, paid once by the method, payable for `ttlMinutes`.
   * `within` runs in the checkout's transaction, given the checkout as placed (its error, e.g. a unique violation,
   * stores nothing of it; what it writes with the manager is committed with the checkout). Answers the checkout's id.
   */
  async placeQuoted(
    user: AuthUser,
    quotes: readonly { datasetId: string; quoteId: string }[],
    paymentMethod: PaymentMethod,
    options: { ttlMinutes: number; within: (manager: EntityManager, placed: PlacedCheckout) => Promise<void> },
  ): Promise<string> {
    const handler = this.orderService.availableMethod(paymentMethod);
    if (quotes.length === 0) throw new CheckoutException(CheckoutErrorCode.CART_EMPTY, 'A checkout needs at least one line');
    // The caller has the checkout as placed from `within`: no read of it again afterwards.
    return this.place(user, null, quotes, handler, options.within, options.ttlMinutes);
  }

  /** Refuses a payment method the marketplace does not take now (PAYMENT_METHOD_UNAVAILABLE, naming those it takes). */
  checkMethod(method: PaymentMethod): void {
    this.orderService.availableMethod(method);
  }

  /** Each order of a checkout with its dataset, state and expiry (what an invoice's lines became). */
  async ordersOf(checkoutId: string): Promise<CheckoutOrderState[]> {
    return (await this.orders.listOfCheckout(this.dataSource.manager, checkoutId)).map((order) => ({
      orderId: order.id,
      datasetId: order.datasetId,
      datasetTitle: order.datasetTitle,
      status: order.status,
      expiresAt: order.expiresAt,
    }));
  }

  /**
   * Places one order per line and one payment request for the sum, in one transaction (with `within`). A line refused
   * (not for sale, expired quote, exclusive licence taken, already held...) refuses the whole checkout with its error,
   * naming the line; nothing is stored then. Answers the checkout's id.
   */
  private async place(
    user: AuthUser,
    organisation: OrganisationRef | null,
    lines: readonly { datasetId: string; version?: number; quoteId?: string; allowRepeat?: boolean }[],
    handler: PaymentMethodHandler,
    within: (manager: EntityManager, placed: PlacedCheckout) => Promise<void>,
    ttlMinutes?: number,
  ): Promise<string> {
    const checkoutId = randomUUID();
    const now = new Date();
    const drafted: DraftedLine[] = [];
    for (const line of lines) {
      drafted.push(
        await this.orderService.draftLine(
          user,
          organisation,
          { datasetId: line.datasetId, version: line.version, quoteId: line.quoteId, allowRepeat: line.allowRepeat ?? false },
          handler,
          now,
          checkoutId,
          ttlMinutes,
        ),
      );
    }
    const payable = payableOf(drafted, checkoutId);
    const request = await handler.createRequest(payable);
    const checkout: CartCheckout = {
      id: checkoutId,
      buyerId: user.id,
      organisationId: organisation?.id ?? null,
      paymentMethod: handler.method,
      currency: handler.currency,
      amountMinor: payable.amountMinor,
      priceUsdCents: payable.priceUsdCents,
      ...request,
      expiresAt: payable.expiresAt,
      createdAt: now,
    };
    const placed = await placedCheckout(checkout, drafted, handler);
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.checkouts.insert(manager, checkout);
        for (const { order, slice } of drafted) {
          await this.orders.insert(manager, order);
          if (slice) await this.slices.insert(manager, slice);
        }
        await within(manager, placed);
        // One watcher per checkout: a look at any of its orders looks for the checkout's payment.
        if (handler.polling) {
          const [first] = drafted;
          await this.jobs.send(
            manager,
            watchSolanaQueue,
            { orderId: first.order.id, check: 1 },
            { key: `checkout.watch-solana:${first.order.id}:1`, delaySeconds: handler.polling.firstLookDelaySeconds },
          );
        }
      });
    } catch (error) {
      const quoted = drafted.find(({ slice }) => slice !== null);
      if (quoted?.slice && isUniqueViolation(error)) {
        throw new CheckoutException(CheckoutErrorCode.QUOTE_USED, `A quote in your cart already placed an order: remove it and ask for a new quote`);
      }
      throw error;
    }
    return checkoutId;
  }

  /** A checkout the user placed (or, for an organisation's, any member of it); admins see any. */
  async get(user: AuthUser, checkoutId: string): Promise<Plain<CheckoutResponse>> {
    const checkout = await this.checkouts.findById(checkoutId);
    const orders = checkout ? await this.orders.listOfCheckout(this.dataSource.manager, checkout.id) : [];
    const visible = orders.length > 0 && (user.role === Role.ADMIN || (await this.orderService.holds(user, orders[0])));
    if (!checkout || !visible) throw new CheckoutException(CheckoutErrorCode.CHECKOUT_NOT_FOUND, `No checkout ${checkoutId} among yours`);
    const { order, request } = payableCheckout(checkout, orders);
    const instructions = await this.methods.for(checkout.paymentMethod).describe(order, request);
    return {
      id: checkout.id,
      paymentMethod: checkout.paymentMethod,
      amount: { minor: checkout.amountMinor, currency: checkout.currency },
      priceUsdCents: checkout.priceUsdCents,
      expiresAt: checkout.expiresAt,
      createdAt: checkout.createdAt,
      orders: await this.presenter.presentAll(orders),
      ...instructions,
    };
  }

  /** A holder's confirm route for a USDC checkout: looks for its payment now and answers the checkout. */
  async confirm(user: AuthUser, checkoutId: string, hint?: string): Promise<Plain<CheckoutResponse>> {
    await this.get(user, checkoutId);
    const { rejections } = await this.cartPayments.lookFor(checkoutId, hint);
    const after = await this.get(user, checkoutId);
    if (after.orders.some((order) => order.paidAt !== null)) return after;
    const last = rejections.at(-1);
    if (last)
      throw new CheckoutException(last.code, `No valid payment for checkout ${checkoutId}: ${rejections.map((entry) => entry.reason).join('; ')}`);
    throw new CheckoutException(
      CheckoutErrorCode.PAYMENT_NOT_FOUND,
      hint ? `Transaction ${hint} was not found` : `No transaction pays checkout ${checkoutId} yet: pay its payment request, then confirm again`,
    );
  }

  private async lineView(user: AuthUser, line: CartLine): Promise<Plain<CartLineView>> {
    const saleable = await this.catalog.findSaleable(line.datasetId, line.version);
    const quote = line.quoteId ? await this.quotes.get(user, line.quoteId) : null;
    const expired = quote !== null && quote.expiresAt.getTime() <= Date.now();
    // A whole version the buyer came to hold after adding it (bought on its own meanwhile): checkout refuses the line.
    const held =
      line.quoteId === null && !line.allowRepeat
        ? await this.orders.findLiveOfVersion({ buyerId: user.id, organisationId: null }, line.datasetId, line.version)
        : null;
    const problem = !saleable?.listed
      ? `Version ${line.version} is no longer for sale: remove this line${saleable ? ' and add the listed version' : ''}`
      : expired
        ? 'The quote expired: remove this line and quote the slice again'
        : held
          ? `You already hold order ${held.id} (${held.status}) of this version: remove this line, or remove it and add it again to buy it again`
          : null;
    return {
      id: line.id,
      datasetId: line.datasetId,
      datasetTitle: saleable?.title ?? '',
      version: line.version,
      licence: saleable && { slug: saleable.licence.slug, name: saleable.licence.name, terms: saleable.licence.terms },
      exclusive: saleable?.exclusive ?? false,
      priceUsdCents: quote?.priceUsdCents ?? saleable?.priceUsdCents ?? 0,
      quote: quote && {
        id: quote.id,
        expiresAt: quote.expiresAt,
        expired,
        captures: quote.totals.captures,
        lengthM: quote.totals.lengthM,
        durationMs: quote.totals.durationMs,
        sizeBytes: quote.totals.bytes,
        unit: quote.pricing?.unit ?? null,
      },
      problem,
      allowRepeat: line.allowRepeat,
      addedAt: line.addedAt,
    };
  }
}

/** The checkout as placed, from what is about to be stored: its sum, expiry, where to pay it and its orders. */
async function placedCheckout(checkout: CartCheckout, drafted: readonly DraftedLine[], handler: PaymentMethodHandler): Promise<PlacedCheckout> {
  const orders = drafted.map((line) => line.order).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const { order, request } = payableCheckout(checkout, orders);
  const instructions = await handler.describe(order, request);
  return {
    id: checkout.id,
    amount: { minor: checkout.amountMinor, currency: checkout.currency },
    priceUsdCents: checkout.priceUsdCents,
    expiresAt: checkout.expiresAt,
    paymentUrl: instructions.stripe?.checkoutUrl ?? instructions.solanaPay?.url ?? null,
    lines: orders.map((each) => ({
      orderId: each.id,
      datasetId: each.datasetId,
      captures: drafted.find((line) => line.order === each)?.slice?.captureCount ?? 0,
      priceUsdCents: each.priceUsdCents,
    })),
  };
}
