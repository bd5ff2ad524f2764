import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import type { SliceAreaInput } from '../../catalog/dto/saleable-version.js';
import { CatalogSliceService } from '../../catalog/services/catalog-slice.service.js';
import { CartService, type CheckoutOrderState } from '../../checkout/services/cart.service.js';
import type { Plain } from '../../common/plain.js';
import type { CreateSubscriptionDto } from '../dto/create-subscription.dto.js';
import type { SubscriptionInvoiceResponse, SubscriptionResponse } from '../dto/subscription.response.js';
import type { Subscription } from '../entities/subscription.entity.js';
import type { SubscriptionInvoiceLine, SubscriptionPeriod } from '../entities/subscription-period.entity.js';
import { SubscriptionRepository } from '../repositories/subscription.repository.js';
import { SubscriptionErrorCode, SubscriptionException } from '../subscription.exception.js';
import { paymentStatusOf } from '../subscription-orders.js';

/**
 * Area subscriptions (issue 13, part 7), as their buyer manages them: subscribe (the area checked as a quote checks it,
 * the captures already for sale there remembered as not new), list, read with each month's invoice, cancel.
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly catalog: CatalogSliceService,
    private readonly cart: CartService,
  ) {}

  async create(user: AuthUser, dto: CreateSubscriptionDto): Promise<Plain<SubscriptionResponse>> {
    const area: SliceAreaInput = { bbox: dto.area.bbox, polygon: dto.area.polygon, cells: dto.area.cells };
    this.catalog.checkArea(area);
    this.cart.checkMethod(dto.paymentMethod);
    const modalities = dto.modalities ?? null;
    if (dto.datasetId !== undefined) {
      const listing = await this.catalog.listed(dto.datasetId);
      if (!listing) throw new SubscriptionException(SubscriptionErrorCode.DATASET_NOT_LISTED, `No dataset ${dto.datasetId} is for sale`);
      if (listing.exclusive || !listing.unitPrices) {
        const why = listing.exclusive ? 'has an exclusive licence' : 'has no unit prices';
        throw new SubscriptionException(
          SubscriptionErrorCode.NOT_SLICEABLE,
          `Dataset ${dto.datasetId} ${why}: it is only sold whole, never as slices`,
        );
      }
    }
    const subscription: Subscription = {
      id: randomUUID(),
      buyerId: user.id,
      area,
      modalities,
      datasetId: dto.datasetId ?? null,
      paymentMethod: dto.paymentMethod,
      monthlyCapUsdCents: dto.monthlyCapUsdCents,
      status: 'active',
      createdAt: new Date(),
      cancelledAt: null,
    };
    await this.subscriptions.insert(subscription, await this.forSaleNow(subscription));
    return this.get(user, subscription.id);
  }

  async list(user: AuthUser): Promise<Plain<SubscriptionResponse>[]> {
    return this.present(await this.subscriptions.listOf(user.id));
  }

  /** The buyer's own subscription; anyone else's is as unknown as one that does not exist. */
  async get(user: AuthUser, id: string): Promise<Plain<SubscriptionResponse>> {
    const [subscription] = await this.present([await this.own(user, id)]);
    return subscription;
  }

  /** Stops future billing; invoices already placed stay payable. Cancelling a cancelled subscription changes nothing. */
  async cancel(user: AuthUser, id: string): Promise<Plain<SubscriptionResponse>> {
    await this.own(user, id);
    await this.subscriptions.cancel(user.id, id, new Date());
    return this.get(user, id);
  }

  private async own(user: AuthUser, id: string): Promise<Subscription> {
    const subscription = await this.subscriptions.findOwn(user.id, id);
    if (!subscription) throw new SubscriptionException(SubscriptionErrorCode.NOT_FOUND, `No subscription ${id} among yours`);
    return subscription;
  }

  /** The captures for sale in the subscription's area now (of its dataset, or of any listed one): never billed by it. */
  private async forSaleNow(subscription: Subscription): Promise<string[]> {
    const { area, modalities } = subscription;
    const datasetIds = subscription.datasetId ? [subscription.datasetId] : await this.catalog.listedMeeting(area, modalities);
    const captureIds: string[] = [];
    for (const datasetId of datasetIds) {
      const slice = await this.catalog.sliceOf(datasetId, { area, modalities: modalities ?? undefined });
      for (const file of slice?.files ?? []) captureIds.push(file.captureId);
    }
    return captureIds;
  }

  private async present(subscriptions: readonly Subscription[]): Promise<Plain<SubscriptionResponse>[]> {
    const ids = subscriptions.map((subscription) => subscription.id);
    const [periods, baselines] = await Promise.all([this.subscriptions.periodsOf(ids), this.subscriptions.baselineCounts(ids)]);
    const lines = await this.subscriptions.linesOf(periods.map((period) => period.id));
    const now = new Date();
    const invoices = await Promise.all(
      periods.map(async (period) =>
        invoiceView(
          period,
          lines.filter((line) => line.periodId === period.id),
          period.checkoutId ? await this.cart.ordersOf(period.checkoutId) : [],
          now,
        ),
      ),
    );
    return subscriptions.map((subscription) => ({
      id: subscription.id,
      area: subscription.area,
      modalities: subscription.modalities,
      datasetId: subscription.datasetId,
      paymentMethod: subscription.paymentMethod,
      monthlyCapUsdCents: subscription.monthlyCapUsdCents,
      status: subscription.status,
      baselineCaptures: baselines.get(subscription.id) ?? 0,
      createdAt: subscription.createdAt,
      cancelledAt: subscription.cancelledAt,
      invoices: invoices.filter((_, index) => periods[index].subscriptionId === subscription.id),
    }));
  }
}

function invoiceView(
  period: SubscriptionPeriod,
  lines: readonly SubscriptionInvoiceLine[],
  orders: readonly CheckoutOrderState[],
  now: Date,
): Plain<SubscriptionInvoiceResponse> {
  return {
    period: period.period.slice(0, 7),
    outcome: period.outcome,
    checkoutId: period.checkoutId,
    paymentStatus: period.checkoutId ? paymentStatusOf(orders, now) : null,
    expiresAt: orders[0]?.expiresAt ?? null,
    priceUsdCents: period.priceUsdCents,
    captures: period.captures,
    lines: lines.map((line) => {
      const order = orders.find((each) => each.datasetId === line.datasetId);
      return {
        datasetId: line.datasetId,
        datasetTitle: order?.datasetTitle ?? null,
        version: line.version,
        orderId: order?.orderId ?? null,
        status: order?.status ?? null,
        captures: line.captureIds.length,
        priceUsdCents: line.priceUsdCents,
      };
    }),
    skipped: period.skipped,
    reason: period.reason,
    createdAt: period.createdAt,
  };
}
