import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OrderResponse } from '../dto/order.response.js';
import type { Order } from '../entities/order.entity.js';
import type { OrderPaymentRequest } from '../entities/order-payment-request.entity.js';
import type { OrderRefund } from '../entities/order-refund.entity.js';
import { type Payment, chargeReference } from '../entities/payment.entity.js';
import { PaymentMethodRegistry } from '../payment-methods/payment-method.registry.js';
import { PaymentRepository } from '../repositories/payment.repository.js';
import { PaymentRequestRepository } from '../repositories/payment-request.repository.js';
import { RefundRepository } from '../repositories/refund.repository.js';
import { OrderSliceRepository } from '../repositories/order-slice.repository.js';
import type { OrderSlice } from '../entities/order-slice.entity.js';
import type { Plain } from '../../common/plain.js';
import { type CaptureWithdrawalNotice, ConsentNoticeService } from '../../consent/services/consent-notice.service.js';
import { OrderFilesService } from './order-files.service.js';
import { revocableOnWithdrawal } from '../../licensing/licence-terms.js';

const STOP_USING =
  'Your licence ends the right to withdrawn files: stop using them and delete your copies. Their downloads have stopped and your certificate is reissued without them.';
const MAY_KEEP = 'Your licence lets you keep using these files under the terms you bought them with; later versions of the dataset leave them out.';

function byOrder<T extends { orderId: string }>(rows: readonly T[]): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const row of rows) grouped.set(row.orderId, [...(grouped.get(row.orderId) ?? []), row]);
  return grouped;
}

/** Builds order responses: the order, its payments and refunds, and how to pay it (its method's part) while that matters. */
@Injectable()
export class OrderPresenterService {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly refunds: RefundRepository,
    private readonly requests: PaymentRequestRepository,
    private readonly methods: PaymentMethodRegistry,
    private readonly slices: OrderSliceRepository,
    private readonly consentNotices: ConsentNoticeService,
    private readonly orderFiles: OrderFilesService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async present(order: Order): Promise<Plain<OrderResponse>> {
    const [presented] = await this.presentAll([order]);
    return presented;
  }

  /** Several orders with one query per table, in the given order. */
  async presentAll(orders: readonly Order[]): Promise<Plain<OrderResponse>[]> {
    const ids = orders.map((order) => order.id);
    // One snapshot: read apart, a refund recorded in between could show as sent with its refund payment missing.
    // Slices never change and are inserted with their order: read apart, outside the snapshot's connection.
    const slices = await this.slices.byOrder(ids);
    const withdrawals = await this.consentNotices.withdrawalsOf(orders.filter((order) => order.paidAt !== null).map((order) => order.datasetId));
    const [payments, refunds, requests] = await this.dataSource.transaction(
      'REPEATABLE READ',
      async (manager) =>
        [
          await this.payments.listForOrders(manager, ids),
          await this.refunds.listForOrders(manager, ids),
          await this.requests.listForOrders(manager, ids),
        ] as const,
    );
    const paymentsOf = byOrder(payments);
    const refundsOf = byOrder(refunds);
    const requestOf = new Map(requests.map((request) => [request.orderId, request]));
    return Promise.all(
      orders.map((order) =>
        this.build(order, paymentsOf.get(order.id) ?? [], refundsOf.get(order.id) ?? [], requestOf.get(order.id), slices.get(order.id) ?? null, {
          withdrawals: order.paidAt === null ? [] : (withdrawals.get(order.datasetId) ?? []),
        }),
      ),
    );
  }

  /** The withdrawals that took captures out of what a paid order bought, each with those captures' paths in it. */
  private async noticesOf(order: Order, withdrawals: readonly CaptureWithdrawalNotice[]): Promise<Plain<OrderResponse>['notices']> {
    if (withdrawals.length === 0) return [];
    const { files } = await this.orderFiles.filesOf(order);
    return withdrawals.flatMap((withdrawal) => {
      const hit = files.filter((file) => withdrawal.captureIds.includes(file.captureId));
      if (hit.length === 0) return [];
      const captureIds = [...new Set(hit.map((file) => file.captureId))];
      const revocable = revocableOnWithdrawal(order.licence.terms);
      return [
        {
          kind: withdrawal.kind,
          captureIds,
          paths: hit.map((file) => file.path),
          reason: withdrawal.reason,
          at: withdrawal.at,
          effect: revocable ? ('stop-using' as const) : ('may-keep' as const),
          effectWords: revocable ? STOP_USING : MAY_KEEP,
        },
      ];
    });
  }

  private async build(
    order: Order,
    payments: readonly Payment[],
    refunds: readonly OrderRefund[],
    request: OrderPaymentRequest | undefined,
    slice: OrderSlice | null,
    { withdrawals }: { withdrawals: readonly CaptureWithdrawalNotice[] },
  ): Promise<Plain<OrderResponse>> {
    const instructions = request ? await this.methods.for(order.paymentMethod).describe(order, request) : {};
    const notices = await this.noticesOf(order, withdrawals);
    return {
      id: order.id,
      status: order.status,
      statusReason: order.statusReason,
      buyerId: order.buyerId,
      organisationId: order.organisationId,
      organisationName: order.organisationName,
      datasetId: order.datasetId,
      version: order.version,
      datasetTitle: order.datasetTitle,
      paymentMethod: order.paymentMethod,
      priceUsdCents: order.priceUsdCents,
      amount: { minor: order.amountMinor, currency: order.currency },
      licence: { slug: order.licence.slug, name: order.licence.name, terms: order.licence.terms },
      exclusive: order.exclusive,
      expiresAt: order.expiresAt,
      createdAt: order.createdAt,
      paidAt: order.paidAt,
      fulfilledAt: order.fulfilledAt,
      lastPaymentError: order.lastPaymentError,
      payments: payments.map((payment) => ({
        id: payment.id,
        kind: payment.kind,
        amount: { minor: payment.amountMinor, currency: payment.currency },
        // A cart checkout's share names the provider's whole payment: what a wallet or Stripe's dashboard shows.
        reference: chargeReference(payment),
        paidOrder: payment.kind === 'charge' && payment.externalReference === order.paymentReference,
        refundOf: payment.refundOf,
        createdAt: payment.createdAt,
      })),
      refunds: refunds.map((refund) => ({
        id: refund.id,
        chargeId: refund.chargeId,
        portion: refund.portion,
        amount: { minor: refund.amountMinor, currency: refund.currency },
        status: refund.status,
        reason: refund.reason,
        heldReason: refund.heldReason,
        paymentId: refund.refundPaymentId,
        createdAt: refund.createdAt,
      })),
      slice: slice && {
        quoteId: slice.quoteId,
        area: slice.area,
        windowFrom: slice.windowFrom,
        windowTo: slice.windowTo,
        modalities: slice.modalities,
        unit: slice.unit,
        captures: slice.captureCount,
        leaves: slice.leafIndexes,
        lengthM: slice.lengthM,
        durationMs: slice.durationMs,
        sizeBytes: slice.sizeBytes,
      },
      checkoutId: order.checkoutId,
      notices,
      ...instructions,
    };
  }
}
