import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { Role } from '../../auth/role.js';
import type { SaleableVersion } from '../../catalog/dto/saleable-version.js';
import { CatalogSalesService } from '../../catalog/services/catalog-sales.service.js';
import { AppConfig } from '../../config/app-config.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { canManage } from '../../organisations/organisation-role.js';
import { type OrganisationRef, OrganisationService } from '../../organisations/services/organisation.service.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import { watchSolanaQueue } from '../checkout.jobs.js';
import type { ConfirmSolanaDto, CreateOrderDto } from '../dto/create-order.dto.js';
import type { OrderResponse } from '../dto/order.response.js';
import type { OrderEntity } from '../entities/order.entity.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { StripeGateway } from '../../stripe/stripe-gateway.port.js';
import { centsToUsdcBaseUnits } from '../usdc-amount.js';
import { OrderPresenterService } from './order-presenter.service.js';
import { SolanaPayService } from './solana-pay.service.js';

/** First look for a Solana payment this many seconds after the order is placed. */
export const FIRST_WATCH_DELAY_SECONDS = 2;

/** Placing orders and reading them: price and licence snapshot, expiry, and the Stripe or Solana Pay request. */
@Injectable()
export class OrderService {
  constructor(
    private readonly catalog: CatalogSalesService,
    private readonly orders: OrderRepository,
    private readonly stripe: StripeGateway,
    private readonly solanaPay: SolanaPayService,
    private readonly presenter: OrderPresenterService,
    private readonly jobs: JobsService,
    private readonly organisations: OrganisationService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(user: AuthUser, dto: CreateOrderDto): Promise<OrderResponse> {
    const organisation = dto.organisationId === undefined ? null : await this.purchasingFor(user, dto.organisationId);
    const saleable = await this.catalog.findSaleable(dto.datasetId, dto.version);
    if (!saleable || !saleable.listed) {
      const which = dto.version === undefined ? 'its latest version' : `version ${dto.version}`;
      throw new CheckoutException(CheckoutErrorCode.DATASET_NOT_FOR_SALE, `Dataset ${dto.datasetId} (${which}) is not for sale`);
    }
    if (saleable.exclusive && (await this.orders.findExclusiveSale(saleable.datasetId, saleable.version, null))) {
      throw new CheckoutException(
        CheckoutErrorCode.EXCLUSIVE_SOLD,
        `Version ${saleable.version} of dataset ${saleable.datasetId} is licensed exclusively and already sold to another buyer`,
      );
    }
    const now = new Date();
    const order = this.draft(user, organisation, saleable, dto, now);
    if (order.paymentMethod === 'card') {
      const session = await this.stripe.createCheckoutSession({
        orderId: order.id,
        amountCents: order.amountMinor,
        productName: `${saleable.title} (version ${saleable.version})`,
        description: `Dataset licence: ${saleable.licence.name}`,
        customerEmail: user.email,
        successUrl: `${this.config.publicUrl}/orders/${order.id}?checkout=success`,
        cancelUrl: `${this.config.publicUrl}/orders/${order.id}?checkout=cancelled`,
        expiresAt: order.expiresAt,
      });
      order.stripeSessionId = session.id;
      order.stripeCheckoutUrl = session.url;
    } else {
      const request = this.solanaPay.paymentRequest(order);
      order.solanaReference = request.reference;
      order.solanaRecipient = request.recipient;
      order.solanaMint = request.splToken;
      order.solanaUrl = request.url;
    }
    // The order expiry sweep (CheckoutJobsService) expires it if it is not paid by expiresAt.
    await this.dataSource.transaction(async (manager) => {
      await this.orders.insert(order, manager);
      if (order.paymentMethod === 'solana') {
        const key = `checkout.watch-solana:${order.id}:1`;
        await this.jobs.send(manager, watchSolanaQueue, { orderId: order.id, check: 1 }, { key, delaySeconds: FIRST_WATCH_DELAY_SECONDS });
      }
    });
    return this.presenter.present(order);
  }

  async get(user: AuthUser, id: string): Promise<OrderResponse> {
    return this.presenter.present(await this.visible(user, id));
  }

  /** Looks for the order's USDC payment now (the watcher job does the same in the background). */
  async confirmSolana(user: AuthUser, id: string, dto: ConfirmSolanaDto): Promise<OrderResponse> {
    const order = await this.visible(user, id);
    if (order.paymentMethod !== 'solana') {
      throw new CheckoutException(CheckoutErrorCode.WRONG_PAYMENT_METHOD, `Order ${id} is paid by card; Stripe confirms it`);
    }
    if (order.status === 'paid' || order.status === 'fulfilled') return this.presenter.present(order);
    if (order.status === 'refunded') {
      const lostRace = order.exclusive && (await this.orders.findExclusiveSale(order.datasetId, order.version, order.id));
      const code = lostRace ? CheckoutErrorCode.EXCLUSIVE_SOLD : CheckoutErrorCode.ORDER_NOT_PAYABLE;
      throw new CheckoutException(code, `Order ${id} is refunded: ${order.statusReason ?? 'no reason given'}`);
    }
    const settled = await this.solanaPay.confirm(order, dto.signature);
    if (settled.outcome === 'refunding') {
      const code = order.exclusive ? CheckoutErrorCode.EXCLUSIVE_SOLD : CheckoutErrorCode.ORDER_NOT_PAYABLE;
      throw new CheckoutException(code, `Order ${id} was not paid: ${settled.reason}`);
    }
    return this.presenter.present(await this.visible(user, id));
  }

  /** Your orders and your organisations' orders, newest first (at most `limit`). */
  async listMine(user: AuthUser, limit: number): Promise<OrderResponse[]> {
    const organisationIds = await this.organisations.organisationIdsOf(user.id);
    const orders = await this.orders.listHeldBy(user.id, organisationIds, limit);
    return Promise.all(orders.map((order) => this.presenter.present(order)));
  }

  /** Admins see every order; anyone else gets the same 404 as for a missing id unless they hold it. */
  async visible(user: AuthUser, id: string): Promise<OrderEntity> {
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
  async holds(user: AuthUser, order: OrderEntity): Promise<boolean> {
    if (order.organisationId) return (await this.organisations.roleOf(order.organisationId, user.id)) !== null;
    return order.buyerId === user.id;
  }

  /** Owners and admins buy for the organisation (they spend its money); plain members only use what it bought. */
  private async purchasingFor(user: AuthUser, organisationId: string): Promise<OrganisationRef> {
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

  private draft(user: AuthUser, organisation: OrganisationRef | null, saleable: SaleableVersion, dto: CreateOrderDto, now: Date): OrderEntity {
    const card = dto.paymentMethod === 'card';
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
      priceUsdCents: saleable.priceUsdCents,
      paymentMethod: dto.paymentMethod,
      // Exact integers: cents for a card, cents x 10^4 base units for USDC (checked against 2^53 by the conversion).
      amountMinor: card ? saleable.priceUsdCents : Number(centsToUsdcBaseUnits(saleable.priceUsdCents)),
      currency: card ? 'USD' : 'USDC',
      status: 'pending',
      statusReason: null,
      expiresAt: new Date(now.getTime() + this.config.ORDER_TTL_MINUTES * 60_000),
      stripeSessionId: null,
      stripeCheckoutUrl: null,
      stripePaymentIntent: null,
      solanaReference: null,
      solanaRecipient: null,
      solanaMint: null,
      solanaUrl: null,
      paymentReference: null,
      payerAddress: null,
      lastPaymentError: null,
      paidAt: null,
      fulfilledAt: null,
      closedAt: null,
      createdAt: now,
      updatedAt: now,
    };
  }
}
