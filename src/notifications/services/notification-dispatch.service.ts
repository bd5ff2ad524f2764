import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { JobsService } from '../../queue/jobs.service.js';
import { everyMinutes } from '../../queue/recurrence.js';
import { WebhookDeliveryAttemptEntity } from '../entities/webhook-delivery.entity.js';
import { type MailTransport, mailSender } from '../mail-transport.js';
import { emailRetryDelaySeconds, retryDelaySeconds } from '../notification-events.js';
import { NOTIFICATION_DISPATCH_MINUTES, notificationDispatchQueue } from '../notifications.jobs.js';
import { EmailOutboxRepository } from '../repositories/email-outbox.repository.js';
import { type DueDelivery, WebhookDeliveryRepository } from '../repositories/webhook-delivery.repository.js';
import { WebhookEndpointRepository } from '../repositories/webhook-endpoint.repository.js';
import { sendSignedEvent, WEBHOOK_TIMEOUT_MS } from '../webhook-sender.js';

/** The mail transport the module uses (SMTP or folder, by configuration). */
export const MAIL_TRANSPORT = Symbol('MailTransport');
/** An endpoint whose deliveries failed this many times in a row (across events) is disabled, as Stripe does. */
export const WEBHOOK_DISABLE_AFTER_FAILURES = 20;
const BATCH = 20;
/** A claimed row is due again after this long: an instance that died while sending leaves it to the next sweep. */
const CLAIM_LEASE_SECONDS = Math.ceil((WEBHOOK_TIMEOUT_MS * BATCH) / 1000) + 60;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Sends what the outboxes hold and is due: webhook deliveries (signed, retried with backoff over about three days, each
 * attempt logged; an endpoint failing WEBHOOK_DISABLE_AFTER_FAILURES times in a row is disabled) and e-mails. Rows are
 * claimed with SKIP LOCKED and a lease, so instances sharing the database never send one row at once; nothing is sent
 * while a row lock is held.
 */
@Injectable()
export class NotificationDispatchService implements OnModuleInit {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly jobs: JobsService,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly endpoints: WebhookEndpointRepository,
    private readonly emails: EmailOutboxRepository,
    @Inject(MAIL_TRANSPORT) private readonly mail: MailTransport,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(notificationDispatchQueue, {
      run: () => this.dispatchDue(),
      onFailed: (failure) => {
        this.logger.error(`a notification dispatch failed ${failure.attempts} times: ${failure.error}; the next one retries`);
        return Promise.resolve();
      },
    });
    this.jobs.schedule(notificationDispatchQueue, everyMinutes(NOTIFICATION_DISPATCH_MINUTES));
  }

  async dispatchDue(): Promise<void> {
    await this.sendDueWebhooks();
    await this.sendDueEmails();
  }

  private async sendDueWebhooks(): Promise<void> {
    for (;;) {
      const due = await this.dataSource.transaction((manager) => this.deliveries.claimDue(manager, BATCH, CLAIM_LEASE_SECONDS));
      await Promise.all(due.map((item) => this.attempt(item)));
      if (due.length < BATCH) return;
    }
  }

  private async attempt({ delivery, endpoint }: DueDelivery): Promise<void> {
    const at = new Date();
    const result = await sendSignedEvent(
      endpoint,
      { id: delivery.eventId, type: delivery.eventType, body: delivery.body },
      this.config.WEBHOOKS_ALLOW_LOOPBACK,
    );
    const attempt = delivery.attempts + 1;
    const delay = result.ok ? null : retryDelaySeconds(attempt);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.deliveries.lockAttempt(manager, delivery.id, delivery.attempts))) return;
      const record = Object.assign(new WebhookDeliveryAttemptEntity(), {
        deliveryId: delivery.id,
        attempt,
        at,
        statusCode: result.statusCode,
        error: result.error,
        responseExcerpt: result.responseExcerpt,
        durationMs: result.durationMs,
      } satisfies WebhookDeliveryAttemptEntity);
      const next = result.ok
        ? ({ status: 'delivered' } as const)
        : delay === null
          ? ({ status: 'failed' } as const)
          : ({ status: 'pending', nextAttemptAt: new Date(Date.now() + delay * 1000) } as const);
      await this.deliveries.recordAttempt(manager, record, next);
      await this.endpoints.recordOutcome(manager, endpoint.id, result.ok, WEBHOOK_DISABLE_AFTER_FAILURES);
    });
  }

  private async sendDueEmails(): Promise<void> {
    const from = mailSender(this.config);
    for (;;) {
      const due = await this.dataSource.transaction((manager) => this.emails.claimDue(manager, BATCH, CLAIM_LEASE_SECONDS));
      for (const message of due) {
        let outcome: Parameters<EmailOutboxRepository['recordAttempt']>[3];
        try {
          await this.mail.send({ id: message.id, from, to: message.toAddress, subject: message.subject, text: message.textBody });
          outcome = { status: 'sent', at: new Date() };
        } catch (error) {
          const delay = emailRetryDelaySeconds(message.attempts + 1);
          outcome =
            delay === null
              ? { status: 'failed', error: messageOf(error) }
              : { status: 'pending', nextAttemptAt: new Date(Date.now() + delay * 1000), error: messageOf(error) };
          this.logger.warn(`e-mail ${message.id} not sent (attempt ${message.attempts + 1}): ${messageOf(error)}`);
        }
        await this.dataSource.transaction((manager) => this.emails.recordAttempt(manager, message.id, message.attempts, outcome));
      }
      if (due.length < BATCH) return;
    }
  }
}
