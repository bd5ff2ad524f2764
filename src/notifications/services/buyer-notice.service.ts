import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UserDirectoryService } from '../../auth/services/user-directory.service.js';
import type { WebhookEvent, WebhookEventType } from '../notification-events.js';
import type { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity.js';
import { EmailOutboxRepository } from '../repositories/email-outbox.repository.js';
import { WebhookOutboxService } from './webhook-outbox.service.js';

/** A notice for one buyer from another module: the webhook event for their subscribed endpoints, and the e-mail. */
export interface BuyerNotice<T> {
  buyerId: string;
  event: WebhookEvent<T>;
  email: { subject: string; text: string };
}

/**
 * Whom one notice goes to, read before the caller's transaction (reads there would take a second connection while it
 * holds one). Opaque to the caller: pass it back to queue unchanged.
 */
export class BuyerNoticeRecipients {
  constructor(
    readonly buyerId: string,
    readonly eventType: WebhookEventType,
    readonly endpoints: readonly WebhookEndpointEntity[],
    readonly email: string | null,
  ) {}
}

/**
 * What other modules use to tell a buyer something (an area subscription's invoice): one webhook delivery per enabled
 * endpoint of theirs subscribed to the event and one e-mail, queued in the outboxes in the CALLER's transaction, so
 * that the fact and its notice are stored together or not at all; both keyed by the event's id so that telling the
 * same fact again adds nothing. The dispatch job sends them once the transaction commits.
 */
@Injectable()
export class BuyerNoticeService {
  constructor(
    private readonly outbox: WebhookOutboxService,
    private readonly emails: EmailOutboxRepository,
    private readonly users: UserDirectoryService,
  ) {}

  /** The buyer's endpoints subscribed to the event type and their e-mail address, to queue a notice to later. */
  async recipientsOf(buyerId: string, eventType: WebhookEventType): Promise<BuyerNoticeRecipients> {
    const endpoints = await this.outbox.recipientsOf(eventType, buyerId, null);
    const email = (await this.users.emailsOf([buyerId])).get(buyerId) ?? null;
    return new BuyerNoticeRecipients(buyerId, eventType, endpoints, email);
  }

  /** Queues the notice in the caller's transaction (`manager`) to the recipients read before with recipientsOf. */
  async queue<T>(manager: EntityManager, { buyerId, event, email }: BuyerNotice<T>, recipients: BuyerNoticeRecipients): Promise<void> {
    if (recipients.buyerId !== buyerId || recipients.eventType !== event.type)
      throw new Error(`recipients of ${recipients.eventType} for ${recipients.buyerId} given for ${event.type} to ${buyerId}`);
    await this.outbox.queue(manager, event, recipients.endpoints);
    if (recipients.email)
      await this.emails.enqueueNew(manager, { dedupeKey: `${event.id}:${buyerId}`, to: recipients.email, subject: email.subject, text: email.text });
    await this.outbox.dispatchAfterCommit(manager);
  }
}
