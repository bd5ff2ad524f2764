import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { UserDirectoryService } from '../../auth/services/user-directory.service.js';
import { AffectedOrdersService } from '../../checkout/services/affected-orders.service.js';
import { AppConfig } from '../../config/app-config.js';
import { type CaptureWithdrawal, ConsentWithdrawalHooks } from '../../consent/consent-withdrawal-hooks.js';
import { ConsentNoticeService } from '../../consent/services/consent-notice.service.js';
import { CONTRIBUTOR_WITHDREW } from '../../consent/takedown-kind.js';
import type { OrderEventSubject } from '../../checkout/order-event-hooks.js';
import { JobsService } from '../../queue/jobs.service.js';
import { consentWithdrawnEmail, consentWithdrawnEvent } from '../notification-events.js';
import { type WithdrawalNoticeJob, withdrawalNoticeQueue } from '../notifications.jobs.js';
import { EmailOutboxRepository } from '../repositories/email-outbox.repository.js';
import { WebhookOutboxService } from './webhook-outbox.service.js';

/**
 * Buyers of the orders a withdrawal touches are told (issue 16): the withdrawal's transaction queues a job (so the
 * notices exist exactly when the withdrawal commits), and the job writes one webhook delivery per subscribed endpoint
 * and one e-mail per order into the outboxes, in one transaction, each keyed so that a rerun adds nothing.
 */
@Injectable()
export class WithdrawalNoticeService implements OnModuleInit {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly hooks: ConsentWithdrawalHooks,
    private readonly jobs: JobsService,
    private readonly affectedOrders: AffectedOrdersService,
    private readonly consentNotices: ConsentNoticeService,
    private readonly outbox: WebhookOutboxService,
    private readonly emails: EmailOutboxRepository,
    private readonly users: UserDirectoryService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.hooks.listen((manager, withdrawal) => this.queue(manager, withdrawal));
    this.jobs.handle(withdrawalNoticeQueue, {
      run: (job) => this.writeNotices(job.payload),
      onFailed: (failure) => {
        this.logger.error(`the buyer notices of withdrawal ${failure.payload.recordId} could not be written: ${failure.error}`);
        return Promise.resolve();
      },
    });
  }

  private async queue(manager: EntityManager, withdrawal: CaptureWithdrawal): Promise<void> {
    const payload = {
      recordId: withdrawal.recordId,
      datasetId: withdrawal.datasetId,
      captureIds: withdrawal.captureIds,
      at: withdrawal.at.toISOString(),
      buyerReason: withdrawal.buyerReason,
    };
    await this.jobs.send(manager, withdrawalNoticeQueue, payload, { key: `notifications.consent-withdrawn:${withdrawal.recordId}` });
  }

  /**
   * An order paid after withdrawals from its dataset (placed before them, paid while or after they were made): the
   * withdrawals' notices for it, as their own job would have written them had the order been paid then.
   */
  async catchUp(order: Pick<OrderEventSubject, 'orderId' | 'datasetId'>): Promise<void> {
    for (const withdrawal of (await this.consentNotices.withdrawalsOf([order.datasetId])).get(order.datasetId) ?? []) {
      const job = {
        recordId: withdrawal.recordId,
        datasetId: order.datasetId,
        captureIds: withdrawal.captureIds,
        at: withdrawal.at.toISOString(),
        buyerReason: withdrawal.reason,
      };
      await this.writeNotices(job, order.orderId);
    }
  }

  /** The notices of one withdrawal (for one order only, when named); idempotent (deliveries and e-mails are keyed by event). */
  async writeNotices(job: WithdrawalNoticeJob, onlyOrderId?: string): Promise<void> {
    const affected = await this.affectedOrders.licensedOrdersHolding(job.datasetId, job.captureIds, onlyOrderId);
    if (affected.length === 0) return;
    const emails = await this.users.emailsOf(affected.map((order) => order.buyerId));
    const notices = await Promise.all(
      affected.map(async ({ buyerId, ...bought }) => ({
        buyerId,
        event: consentWithdrawnEvent(job.recordId, { ...bought, withdrawnAt: job.at, reason: job.buyerReason ?? CONTRIBUTOR_WITHDREW }),
        recipients: await this.outbox.recipientsOf('order.consent_withdrawn', buyerId, bought.organisationId),
      })),
    );
    await this.dataSource.transaction(async (manager) => {
      for (const { buyerId, event, recipients } of notices) {
        await this.outbox.queue(manager, event, recipients);
        const to = emails.get(buyerId);
        if (!to) continue;
        const mail = consentWithdrawnEmail(event, `${this.config.publicUrl}/orders/${event.data.orderId}`);
        await this.emails.enqueueNew(manager, { dedupeKey: `${event.id}:${buyerId}`, to, subject: mail.subject, text: mail.text });
      }
      await this.outbox.dispatchAfterCommit(manager);
    });
  }
}
