import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserDirectoryService } from '../../auth/services/user-directory.service.js';
import type { WebhookEvent } from '../notification-events.js';
import { EmailOutboxRepository } from '../repositories/email-outbox.repository.js';
import { WebhookOutboxService } from './webhook-outbox.service.js';

/** A notice for one buyer from another module: the webhook event for their subscribed endpoints, and the e-mail. */
export interface BuyerNotice<T> {
  buyerId: string;
  event: WebhookEvent<T>;
  email: { subject: string; text: string };
}

/**
 * What other modules use to tell a buyer something (an area subscription's invoice): one webhook delivery per enabled
 * endpoint of theirs subscribed to the event and one e-mail, in the outboxes in one transaction, both keyed by the
 * event's id so that telling the same fact again adds nothing. The dispatch job sends them.
 */
@Injectable()
export class BuyerNoticeService {
  constructor(
    private readonly outbox: WebhookOutboxService,
    private readonly emails: EmailOutboxRepository,
    private readonly users: UserDirectoryService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async notify<T>({ buyerId, event, email }: BuyerNotice<T>): Promise<void> {
    const recipients = await this.outbox.recipientsOf(event.type, buyerId, null);
    const to = (await this.users.emailsOf([buyerId])).get(buyerId);
    await this.dataSource.transaction(async (manager) => {
      await this.outbox.queue(manager, event, recipients);
      if (to) await this.emails.enqueueNew(manager, { dedupeKey: `${event.id}:${buyerId}`, to, subject: email.subject, text: email.text });
      await this.outbox.dispatchAfterCommit(manager);
    });
  }
}
