import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OrderResponse } from '../dto/order.response.js';
import type { Order } from '../entities/order.entity.js';
import type { OrderPaymentRequest } from '../entities/order-payment-request.entity.js';
import type { OrderRefund } from '../entities/order-refund.entity.js';
import type { Payment } from '../entities/payment.entity.js';
import { PaymentMethodRegistry } from '../payment-methods/payment-method.registry.js';
import { PaymentRepository } from '../repositories/payment.repository.js';
import { PaymentRequestRepository } from '../repositories/payment-request.repository.js';
import { RefundRepository } from '../repositories/refund.repository.js';
import { OrderSliceRepository } from '../repositories/order-slice.repository.js';
import type { OrderSlice } from '../entities/order-slice.entity.js';
import type { Plain } from '../../common/plain.js';

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
        this.build(order, paymentsOf.get(order.id) ?? [], refundsOf.get(order.id) ?? [], requestOf.get(order.id), slices.get(order.id) ?? null),
      ),
    );
  }

  private async build(
    order: Order,
    payments: readonly Payment[],
    refunds: readonly OrderRefund[],
    request: OrderPaymentRequest | undefined,
    slice: OrderSlice | null,
  ): Promise<Plain<OrderResponse>> {
    const instructions = request ? await this.methods.for(order.paymentMethod).describe(order, request) : {};
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
        reference: payment.externalReference,
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
      ...instructions,
    };
  }
}
