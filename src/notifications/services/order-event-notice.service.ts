import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OrderEventHooks } from '../../checkout/order-event-hooks.js';
import { JobsService } from '../../queue/jobs.service.js';
import { orderEvent } from '../notification-events.js';
import { type OrderEventJob, orderEventQueue } from '../notifications.jobs.js';
import { WebhookOutboxService } from './webhook-outbox.service.js';
import { WithdrawalNoticeService } from './withdrawal-notice.service.js';

/**
 * `order.paid` and `order.fulfilled` webhooks: the checkout's transaction that changes the order queues a job (so the
 * event exists exactly when the change commits, and the payment's transaction reads nothing more), and the job queues
 * a delivery per subscribed endpoint. A paid order also gets the withdrawal notices its dataset's earlier withdrawals
 * would have sent it.
 */
@Injectable()
export class OrderEventNoticeService implements OnModuleInit {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly hooks: OrderEventHooks,
    private readonly jobs: JobsService,
    private readonly outbox: WebhookOutboxService,
    private readonly withdrawals: WithdrawalNoticeService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.hooks.listen((manager, type, order) =>
      this.jobs.send(manager, orderEventQueue, { type, order }, { key: `notifications.order-event:${type}:${order.orderId}` }),
    );
    this.jobs.handle(orderEventQueue, {
      run: (job) => this.queueDeliveries(job.payload),
      onFailed: (failure) => {
        this.logger.error(`the ${failure.payload.type} webhooks of order ${failure.payload.order.orderId} could not be queued: ${failure.error}`);
        return Promise.resolve();
      },
    });
  }

  /** Idempotent: the event id is the order's and the type's, and a delivery is unique per endpoint and event. */
  async queueDeliveries({ type, order }: OrderEventJob): Promise<void> {
    const recipients = await this.outbox.recipientsOf(type, order.buyerId, order.organisationId);
    if (recipients.length > 0) {
      await this.dataSource.transaction(async (manager) => {
        await this.outbox.queue(manager, orderEvent(type, order), recipients);
        await this.outbox.dispatchAfterCommit(manager);
      });
    }
    // A withdrawal's own job may have looked before this order was paid; the buyer is told now (never twice).
    if (type === 'order.paid') await this.withdrawals.catchUp(order);
  }
}
