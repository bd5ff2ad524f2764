import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import type { Plain } from '../../common/plain.js';
import { AppConfig } from '../../config/app-config.js';
import { canManage } from '../../organisations/organisation-role.js';
import { OrganisationService } from '../../organisations/services/organisation.service.js';
import type { CreateWebhookDto, WebhookCreatedResponse, WebhookDeliveryResponse, WebhookResponse } from '../dto/webhook.dto.js';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity.js';
import { WEBHOOK_EVENT_TYPES } from '../notification-events.js';
import { NotificationsErrorCode, NotificationsException } from '../notifications.exception.js';
import { WebhookDeliveryRepository } from '../repositories/webhook-delivery.repository.js';
import { WebhookEndpointRepository } from '../repositories/webhook-endpoint.repository.js';
import { newWebhookSecret } from '../webhook-signature.js';
import { resolveWebhookAddress, webhookUrlProblem } from '../webhook-target.js';

/** Endpoints one user may register. */
export const MAX_WEBHOOKS_PER_USER = 10;

/** Buyers' webhook endpoints: register (the secret shown once), list, delete, and each one's delivery log. */
@Injectable()
export class WebhookEndpointService {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly organisations: OrganisationService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(user: AuthUser, dto: CreateWebhookDto): Promise<Plain<WebhookCreatedResponse>> {
    const problem = webhookUrlProblem(dto.url, this.config.WEBHOOKS_ALLOW_LOOPBACK);
    if (problem) throw refused(`The webhook URL ${problem}`);
    const resolved = await resolveWebhookAddress(new URL(dto.url), this.config.WEBHOOKS_ALLOW_LOOPBACK);
    if ('problem' in resolved) throw refused(`The webhook URL's ${resolved.problem}`);
    if (dto.organisationId !== undefined) {
      const role = await this.organisations.roleOf(dto.organisationId, user.id);
      if (role === null || !canManage(role)) {
        throw new NotificationsException(
          NotificationsErrorCode.ORGANISATION_NOT_MANAGED,
          `You are not an owner or admin of organisation ${dto.organisationId}`,
        );
      }
    }
    const endpoint = Object.assign(new WebhookEndpointEntity(), {
      id: randomUUID(),
      userId: user.id,
      organisationId: dto.organisationId ?? null,
      url: dto.url,
      events: dto.events ?? [...WEBHOOK_EVENT_TYPES],
      description: dto.description ?? null,
      secret: newWebhookSecret(),
      status: 'enabled',
      disabledReason: null,
      consecutiveFailures: 0,
      createdAt: new Date(),
    } satisfies WebhookEndpointEntity);
    await this.dataSource.transaction(async (manager) => {
      if ((await this.endpoints.lockOfUser(manager, user.id)) >= MAX_WEBHOOKS_PER_USER) {
        throw new NotificationsException(
          NotificationsErrorCode.WEBHOOK_LIMIT_REACHED,
          `You have ${MAX_WEBHOOKS_PER_USER} webhook endpoints, the most one account may have; delete one first`,
        );
      }
      await this.endpoints.insert(manager, endpoint);
    });
    return { ...view(endpoint), secret: endpoint.secret };
  }

  async list(user: AuthUser): Promise<Plain<WebhookResponse>[]> {
    return (await this.endpoints.listOfUser(user.id)).map(view);
  }

  /** Enables an endpoint disabled for failing: its held deliveries go out now, with their remaining retries. */
  async enable(user: AuthUser, id: string): Promise<Plain<WebhookResponse>> {
    const endpoint = await this.dataSource.transaction((manager) => this.endpoints.enableOfUser(manager, user.id, id));
    if (!endpoint) throw notFound(id);
    return view(endpoint);
  }

  /**
   * A new signing secret, shown in this answer only; the old one stops at once (every delivery from now on, retries
   * included, is signed with the new one), so update the receiver before or right after.
   */
  async rotateSecret(user: AuthUser, id: string): Promise<Plain<WebhookCreatedResponse>> {
    const endpoint = await this.endpoints.replaceSecretOfUser(user.id, id, newWebhookSecret());
    if (!endpoint) throw notFound(id);
    return { ...view(endpoint), secret: endpoint.secret };
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    if (!(await this.endpoints.deleteOfUser(user.id, id))) throw notFound(id);
  }

  async deliveriesOf(user: AuthUser, id: string, limit: number): Promise<Plain<WebhookDeliveryResponse>[]> {
    if (!(await this.endpoints.findOfUser(user.id, id))) throw notFound(id);
    const deliveries = await this.deliveries.listOfEndpoint(id, limit);
    const attempts = await this.deliveries.attemptsOf(deliveries.map((delivery) => delivery.id));
    return deliveries.map((delivery) => ({
      id: delivery.id,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      status: delivery.status,
      nextAttemptAt: delivery.nextAttemptAt,
      deliveredAt: delivery.deliveredAt,
      createdAt: delivery.createdAt,
      attempts: (attempts.get(delivery.id) ?? []).map(({ attempt, at, statusCode, error, responseExcerpt, durationMs }) => ({
        attempt,
        at,
        statusCode,
        error,
        responseExcerpt,
        durationMs,
      })),
    }));
  }
}

function view(endpoint: WebhookEndpointEntity): Plain<WebhookResponse> {
  const { id, url, events, description, organisationId, status, disabledReason, consecutiveFailures, createdAt } = endpoint;
  return { id, url, events, description, organisationId, status, disabledReason, consecutiveFailures, createdAt };
}

function refused(message: string): NotificationsException {
  return new NotificationsException(NotificationsErrorCode.WEBHOOK_URL_REFUSED, message);
}

function notFound(id: string): NotificationsException {
  return new NotificationsException(NotificationsErrorCode.WEBHOOK_NOT_FOUND, `No webhook endpoint ${id} of yours`);
}
