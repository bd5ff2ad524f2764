import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { Role } from '../../auth/role.js';
import type { SaleableVersion } from '../../catalog/dto/saleable-version.js';
import { CatalogSalesService } from '../../catalog/services/catalog-sales.service.js';
import { AppConfig } from '../../config/app-config.js';
import { JobsService } from '../../queue/jobs.service.js';
import { canManage } from '../../organisations/organisation-role.js';
import { type OrganisationRef, OrganisationService } from '../../organisations/services/organisation.service.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import { watchSolanaQueue } from '../checkout.jobs.js';
import type { CreateOrderDto } from '../dto/create-order.dto.js';
import type { OrderPageResponse, OrderResponse } from '../dto/order.response.js';
import type { ListOrdersQuery } from '../dto/list-my-orders.query.js';
import { type KeysetPage, decodeCursor } from '../../common/keyset-cursor.js';
import type { PaymentMethodResponse } from '../dto/payment-method.response.js';
import type { Order } from '../entities/order.entity.js';
import type { PayableOrder, PaymentMethod, PaymentMethodHandler } from '../payment-methods/payment-method.js';
import { PaymentMethodRegistry } from '../payment-methods/payment-method.registry.js';
import { LicensedFileRepository } from '../repositories/licensed-file.repository.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { PaymentRequestRepository } from '../repositories/payment-request.repository.js';
import { OrderPresenterService } from './order-presenter.service.js';
import type { Plain } from '../../common/plain.js';
import { isUniqueViolation } from '../../database/pg-errors.js';
import { QuotesService } from '../../quotes/services/quotes.service.js';
import type { OrderSlice } from '../entities/order-slice.entity.js';
import { filesOfSlice } from '../order-slice.js';
import { OrderSliceRepository } from '../repositories/order-slice.repository.js';

/** One line of a purchase, checked and drafted (OrderService.draftLine): its order, its slice, and its licence's name for the provider. */
export interface DraftedLine {
  order: Order;
  slice: OrderSlice | null;
  licenceName: string;
}

/**
 * What the payment method's request is opened for: one order, or a cart checkout's orders (`checkoutId`), paid
 * together for the sum of their amounts.
 */
export function payableOf(drafted: readonly DraftedLine[], checkoutId: string | null): PayableOrder {
  const first = drafted[0].order;
  return {
    id: checkoutId ?? first.id,
    checkoutId,
    lines: drafted.map(({ order, licenceName }) => ({
      datasetTitle: order.datasetTitle,
      version: order.version,
      licenceName,
      amountMinor: order.amountMinor,
    })),
    priceUsdCents: drafted.reduce((sum, { order }) => sum + order.priceUsdCents, 0),
    amountMinor: drafted.reduce((sum, { order }) => sum + order.amountMinor, 0),
    buyerEmail: first.buyerEmail,
    expiresAt: first.expiresAt,
  };
}

/** Placing orders and reading them: price and licence snapshot, expiry, and the payment method's request. */
@Injectable()
export class OrderService {
  constructor(
    private readonly catalog: CatalogSalesService,
    private readonly orders: OrderRepository,
    private readonly requests: PaymentRequestRepository,
    private readonly licensedFiles: LicensedFileRepository,
    private readonly methods: PaymentMethodRegistry,
    private readonly presenter: OrderPresenterService,
    private readonly jobs: JobsService,
    private readonly organisations: OrganisationService,
    private readonly config: AppConfig,
    private readonly quotes: QuotesService,
    private readonly slices: OrderSliceRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(user: AuthUser, dto: CreateOrderDto): Promise<Plain<OrderResponse>> {
    const handler = this.availableMethod(dto.paymentMethod);
    const organisation = dto.organisationId === undefined ? null : await this.purchasingFor(user, dto.organisationId);
    const drafted = await this.draftLine(user, organisation, dto, handler, new Date());
    const { order, slice } = drafted;
    const now = order.createdAt;
    const request = await handler.createRequest(payableOf([drafted], null));
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.orders.insert(manager, order);
        if (slice) await this.slices.insert(manager, slice);
        await this.requests.insert(manager, { orderId: order.id, method: order.paymentMethod, ...request, createdAt: now });
        // The order expiry sweep (CheckoutJobsService) expires it if it is not paid by expiresAt. Methods whose payments
        // the marketplace finds itself are watched; the queue keeps the name it had when Solana Pay was the only one.
        if (handler.polling) {
          const key = `checkout.watch-solana:${order.id}:1`;
          await this.jobs.send(
            manager,
            watchSolanaQueue,
            { orderId: order.id, check: 1 },
            { key, delaySeconds: handler.polling.firstLookDelaySeconds },
          );
        }
      });
    } catch (error) {
      // Two orders from one quote at once: the second loses on the quote's unique key, and nothing of it is stored.
      if (slice && isUniqueViolation(error)) {
        throw new CheckoutException(CheckoutErrorCode.QUOTE_USED, `Quote ${slice.quoteId} already placed an order: ask for a new quote`);
      }
      throw error;
    }
    return this.presenter.present(order);
  }

  /**
   * Checks one line of a purchase (a whole version or a quoted slice) and drafts its order, nothing stored: the
   * quote redeemed (the buyer's, unexpired, its version still listed at the same prices), the version for sale, not
   * a repeat (unless allowed), no exclusive licence in the way. A single order and each line of a cart checkout go
   * through here, so a line is exactly the order it would be on its own.
   */
  async draftLine(
    user: AuthUser,
    organisation: OrganisationRef | null,
    dto: Pick<CreateOrderDto, 'datasetId' | 'version' | 'quoteId' | 'allowRepeat'>,
    handler: PaymentMethodHandler,
    now: Date,
    checkoutId: string | null = null,
    ttlMinutes = this.config.ORDER_TTL_MINUTES,
  ): Promise<DraftedLine> {
    // A quote fixes the version, the files and the price; redeem refuses one that is not the buyer's, has expired, or
    // whose version is no longer the listed one at the same prices.
    const quote = dto.quoteId === undefined ? null : await this.quotes.redeem(dto.quoteId, user.id, this.dataSource.manager);
    if (quote && (quote.datasetId !== dto.datasetId || (dto.version !== undefined && dto.version !== quote.version))) {
      throw new CheckoutException(
        CheckoutErrorCode.QUOTE_MISMATCH,
        `Quote ${quote.id} is for version ${quote.version} of dataset ${quote.datasetId}, not the dataset and version this order names`,
      );
    }
    const saleable = await this.catalog.findSaleable(dto.datasetId, quote?.version ?? dto.version);
    if (!saleable?.listed) {
      const which = dto.version === undefined ? 'its latest version' : `version ${dto.version}`;
      throw new CheckoutException(CheckoutErrorCode.DATASET_NOT_FOR_SALE, `Dataset ${dto.datasetId} (${which}) is not for sale`);
    }
    // A slice order is never a repeat: the buyer drew and quoted it, and a quote buys once (QUOTE_USED below).
    if (!dto.allowRepeat && quote?.kind !== 'slice') await this.refuseRepeat(user, organisation, saleable);
    // An early answer; the payment's transaction decides for good (OrderSettlementService locks the files' rows).
    const versionFiles = await this.catalog.versionFiles(saleable.datasetId, saleable.version);
    const files = quote?.kind === 'slice' ? filesOfSlice(versionFiles, quote.leafIndexes) : versionFiles;
    if (!files) {
      throw new CheckoutException(CheckoutErrorCode.DATASET_NOT_FOR_SALE, `Quote ${quote?.id ?? ''} names files the listed version does not hold`);
    }
    const conflict = await this.licensedFiles.conflict(
      files.map((file) => file.sha256),
      saleable.exclusive,
      null,
    );
    if (conflict) {
      const which = `Version ${saleable.version} of dataset ${saleable.datasetId}`;
      throw conflict.kind === 'exclusive'
        ? new CheckoutException(CheckoutErrorCode.EXCLUSIVE_SOLD, `${which} holds files whose exclusive licence is already sold to another buyer`)
        : new CheckoutException(
            CheckoutErrorCode.EXCLUSIVE_UNAVAILABLE,
            `${which} holds files already sold under a non-exclusive licence, so its exclusive licence can no longer be sold`,
          );
    }
    const order = this.draft(user, organisation, saleable, quote?.priceUsdCents ?? saleable.priceUsdCents, handler, now, checkoutId, ttlMinutes);
    const slice: OrderSlice | null =
      quote?.kind === 'slice' && quote.unit
        ? {
            orderId: order.id,
            quoteId: quote.id,
            area: quote.area,
            windowFrom: quote.windowFrom,
            windowTo: quote.windowTo,
            modalities: quote.modalities,
            unit: quote.unit,
            leafIndexes: [...quote.leafIndexes].sort((a, b) => a - b),
            captureCount: quote.captureCount,
            lengthM: quote.lengthM,
            durationMs: quote.durationMs,
            sizeBytes: quote.sizeBytes,
            createdAt: now,
          }
        : null;
    if (quote && (await this.slices.quoteUsed(quote.id))) {
      throw new CheckoutException(CheckoutErrorCode.QUOTE_USED, `Quote ${quote.id} already placed an order: ask for a new quote`);
    }
    return { order, slice, licenceName: saleable.licence.name };
  }

  /** The method's handler, or PAYMENT_METHOD_UNAVAILABLE naming the methods taken instead. */
  availableMethod(method: PaymentMethod): PaymentMethodHandler {
    const handler = this.methods.for(method);
    if (!handler.available) {
      const others = this.methods
        .all()
        .filter((other) => other.available)
        .map((other) => `${other.method} (${other.label})`);
      throw new CheckoutException(
        CheckoutErrorCode.PAYMENT_METHOD_UNAVAILABLE,
        `${handler.label} is not available on this marketplace${others.length > 0 ? `; pay with ${others.join(' or ')} instead` : ''}`,
      );
    }
    return handler;
  }

  /** Every payment method and whether it is taken now. */
  paymentMethods(): Plain<PaymentMethodResponse>[] {
    return this.methods
      .all()
      .map((handler) => ({ method: handler.method, label: handler.label, currency: handler.currency, available: handler.available }));
  }

  /**
   * A second order of a version the buyer (or their organisation) already holds or is paying for is most often a
   * mistake (a second tab, a double click): refused unless the request says it is meant (allowRepeat). An early
   * answer, like the licence check below: two requests at the same instant may both pass.
   */
  private async refuseRepeat(user: AuthUser, organisation: OrganisationRef | null, saleable: SaleableVersion): Promise<void> {
    const live = await this.orders.findLiveOfVersion(
      { buyerId: user.id, organisationId: organisation?.id ?? null },
      saleable.datasetId,
      saleable.version,
    );
    if (!live) return;
    const who = organisation ? `Organisation ${organisation.name} already holds` : 'You already hold';
    throw new CheckoutException(
      CheckoutErrorCode.ALREADY_ORDERED,
      `${who} order ${live.id} (${live.status}) of version ${saleable.version} of this dataset; send allowRepeat: true to order it again`,
      { orderId: live.id, status: live.status },
    );
  }

  async get(user: AuthUser, id: string): Promise<Plain<OrderResponse>> {
    return this.presenter.present(await this.visible(user, id));
  }

  /** Your orders and your organisations' orders, newest first (at most `limit`). */
  async listMine(user: AuthUser, limit: number): Promise<Plain<OrderResponse>[]> {
    const organisationIds = await this.organisations.organisationIdsOf(user.id);
    return this.presenter.presentAll(await this.orders.listHeldBy(user.id, organisationIds, limit));
  }

  /**
   * A page of the orders the user holds (their own and their organisations'), or of one organisation's orders for a
   * member of it; an admin asking for mine=false pages through every order.
   */
  async page(user: AuthUser, query: ListOrdersQuery): Promise<Plain<OrderPageResponse>> {
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    let page: KeysetPage<Order>;
    if (query.organisationId !== undefined) {
      if (!(await this.organisations.roleOf(query.organisationId, user.id))) {
        throw new CheckoutException(CheckoutErrorCode.ORGANISATION_NOT_FOUND, `No organisation ${query.organisationId} among yours`);
      }
      page = await this.orders.pageHeldBy(
        { userId: user.id, organisationIds: [query.organisationId], organisationsOnly: true },
        query.datasetId,
        query.limit,
        before,
      );
    } else if (user.role === Role.ADMIN && !query.mine) {
      page = await this.orders.listAll({ datasetId: query.datasetId }, query.limit, before);
    } else {
      const organisationIds = await this.organisations.organisationIdsOf(user.id);
      page = await this.orders.pageHeldBy({ userId: user.id, organisationIds, organisationsOnly: false }, query.datasetId, query.limit, before);
    }
    return { items: await this.presenter.presentAll(page.items), nextCursor: page.nextCursor };
  }

  /** Admins see every order; anyone else gets the same 404 as for a missing id unless they hold it. */
  async visible(user: AuthUser, id: string): Promise<Order> {
    const order = await this.orders.findById(id);
    if (!order || (user.role !== Role.ADMIN && !(await this.holds(user, order)))) {
      throw new CheckoutException(CheckoutErrorCode.ORDER_NOT_FOUND, `No order ${id} among yours`);
    }
    return order;
  }

  /**
   * Whether the user holds the order: an organisation's order belongs to its current members (the one who placed
   * it included, only while still a member); any other order to its buyer. Read on every request, so a removed
   * member loses access at once.
   */
  async holds(user: AuthUser, order: Order): Promise<boolean> {
    if (order.organisationId) return (await this.organisations.roleOf(order.organisationId, user.id)) !== null;
    return order.buyerId === user.id;
  }

  /** Owners and admins buy for the organisation (they spend its money); plain members only use what it bought. */
  async purchasingFor(user: AuthUser, organisationId: string): Promise<OrganisationRef> {
    const organisation = await this.organisations.findForMember(organisationId, user.id);
    if (!organisation) throw new CheckoutException(CheckoutErrorCode.ORGANISATION_NOT_FOUND, `No organisation ${organisationId} among yours`);
    if (!canManage(organisation.role)) {
      throw new CheckoutException(
        CheckoutErrorCode.ORGANISATION_CANNOT_BUY,
        `Only owners and admins of organisation ${organisation.name} can order for it; you are a ${organisation.role}`,
      );
    }
    return organisation;
  }

  private draft(
    user: AuthUser,
    organisation: OrganisationRef | null,
    saleable: SaleableVersion,
    priceUsdCents: number,
    handler: PaymentMethodHandler,
    now: Date,
    checkoutId: string | null,
    ttlMinutes: number,
  ): Order {
    return {
      id: randomUUID(),
      buyerId: user.id,
      organisationId: organisation?.id ?? null,
      organisationName: organisation?.name ?? null,
      buyerEmail: user.email,
      buyerWallet: user.walletAddress,
      datasetId: saleable.datasetId,
      version: saleable.version,
      datasetTitle: saleable.title,
      sellerId: saleable.ownerId,
      merkleRoot: saleable.merkleRoot,
      licence: saleable.licence,
      exclusive: saleable.exclusive,
      priceUsdCents,
      paymentMethod: handler.method,
      amountMinor: handler.amountFor(priceUsdCents),
      currency: handler.currency,
      status: 'pending',
      statusReason: null,
      expiresAt: new Date(now.getTime() + ttlMinutes * 60_000),
      paymentReference: null,
      lastPaymentError: null,
      paidAt: null,
      fulfilledAt: null,
      closedAt: null,
      checkoutId,
      createdAt: now,
      updatedAt: now,
    };
  }
}
