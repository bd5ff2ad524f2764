import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobsService } from '../../queue/jobs.service.js';
import { canManage } from '../../organisations/organisation-role.js';
import { OrganisationService } from '../../organisations/services/organisation.service.js';
import { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity.js';
import type { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity.js';
import type { WebhookEvent, WebhookEventType } from '../notification-events.js';
import { notificationDispatchQueue } from '../notifications.jobs.js';
import { WebhookDeliveryRepository } from '../repositories/webhook-delivery.repository.js';
import { WebhookEndpointRepository } from '../repositories/webhook-endpoint.repository.js';

/** Who hears of an order's events, and queueing an event for them: one delivery per endpoint, never two. */
@Injectable()
export class WebhookOutboxService {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly organisations: OrganisationService,
    private readonly jobs: JobsService,
  ) {}

  /**
   * The enabled endpoints subscribed to the event of an order: the buyer's, and those naming the order's organisation
   * whose owners still manage it. Read before the transaction that queues the deliveries (no second connection in it).
   */
  async recipientsOf(type: WebhookEventType, buyerId: string, organisationId: string | null): Promise<WebhookEndpointEntity[]> {
    const recipients: WebhookEndpointEntity[] = [];
    for (const endpoint of await this.endpoints.findSubscribed(type, buyerId, organisationId)) {
      if (endpoint.userId === buyerId || (await this.manages(endpoint.organisationId, endpoint.userId))) recipients.push(endpoint);
    }
    return recipients;
  }

  /** Queues the event for each endpoint (an event already queued for one is left as it is). */
  async queue(manager: EntityManager, event: WebhookEvent<unknown>, recipients: readonly WebhookEndpointEntity[]): Promise<void> {
    const body = JSON.stringify(event);
    for (const endpoint of recipients) {
      await this.deliveries.enqueue(
        manager,
        Object.assign(new WebhookDeliveryEntity(), {
          id: randomUUID(),
          endpointId: endpoint.id,
          eventId: event.id,
          eventType: event.type,
          body,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: new Date(),
          deliveredAt: null,
          createdAt: new Date(),
        } satisfies WebhookDeliveryEntity),
      );
    }
  }

  /** Wakes the sender once the caller's transaction commits. */
  async dispatchAfterCommit(manager: EntityManager): Promise<void> {
    await this.jobs.send(manager, notificationDispatchQueue, {});
  }

  private async manages(organisationId: string | null, userId: string): Promise<boolean> {
    if (organisationId === null) return false;
    const role = await this.organisations.roleOf(organisationId, userId);
    return role !== null && canManage(role);
  }
}
