import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity.js';

@Injectable()
export class WebhookEndpointRepository {
  constructor(@InjectRepository(WebhookEndpointEntity) private readonly endpoints: Repository<WebhookEndpointEntity>) {}

  async insert(manager: EntityManager, endpoint: WebhookEndpointEntity): Promise<void> {
    await manager.getRepository(WebhookEndpointEntity).insert(endpoint);
  }

  /** Locks the user's endpoints (their count is checked against the limit before another is added). */
  async lockOfUser(manager: EntityManager, userId: string): Promise<number> {
    const rows: unknown[] = await manager.query(`SELECT id FROM webhook_endpoints WHERE user_id = $1 FOR UPDATE`, [userId]);
    return rows.length;
  }

  /**
   * Enables the user's endpoint again (after it was disabled for failing): failures count from zero, and its pending
   * deliveries, held while it was disabled, are due now. Answers the endpoint, or null when it is not the user's.
   */
  async enableOfUser(manager: EntityManager, userId: string, id: string): Promise<WebhookEndpointEntity | null> {
    const result = await manager
      .getRepository(WebhookEndpointEntity)
      .update({ id, userId }, { status: 'enabled', disabledReason: null, consecutiveFailures: 0 });
    if ((result.affected ?? 0) === 0) return null;
    await manager.query(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE endpoint_id = $1 AND status = 'pending'`, [id]);
    return manager.getRepository(WebhookEndpointEntity).findOne({ where: { id, userId } });
  }

  /** Replaces the user's endpoint's signing secret; answers the endpoint, or null when it is not the user's. */
  async replaceSecretOfUser(userId: string, id: string, secret: string): Promise<WebhookEndpointEntity | null> {
    const result = await this.endpoints.update({ id, userId }, { secret });
    return (result.affected ?? 0) === 0 ? null : this.endpoints.findOne({ where: { id, userId } });
  }

  listOfUser(userId: string): Promise<WebhookEndpointEntity[]> {
    return this.endpoints.find({ where: { userId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  findOfUser(userId: string, id: string): Promise<WebhookEndpointEntity | null> {
    return this.endpoints.findOne({ where: { id, userId } });
  }

  async deleteOfUser(userId: string, id: string): Promise<boolean> {
    const result = await this.endpoints.delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }

  /** Enabled endpoints subscribed to the event that belong to the buyer, or name the organisation. */
  findSubscribed(eventType: string, buyerId: string, organisationId: string | null): Promise<WebhookEndpointEntity[]> {
    const builder = this.endpoints
      .createQueryBuilder('e')
      .where(`e.status = 'enabled' AND :eventType = ANY (e.events)`, { eventType })
      .andWhere(organisationId === null ? 'e.user_id = :buyerId' : '(e.user_id = :buyerId OR e.organisation_id = :organisationId)', {
        buyerId,
        organisationId,
      })
      .orderBy('e.created_at', 'ASC');
    return builder.getMany();
  }

  /** After an attempt: a success clears the failure count; a failure adds one and disables the endpoint at `disableAt`. */
  async recordOutcome(manager: EntityManager, id: string, ok: boolean, disableAt: number): Promise<void> {
    if (ok) {
      await manager.query(`UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = $1`, [id]);
      return;
    }
    await manager.query(
      `UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1,
         status = CASE WHEN consecutive_failures + 1 >= $2 THEN 'disabled' ELSE status END,
         disabled_reason = CASE WHEN consecutive_failures + 1 >= $2 AND status = 'enabled' THEN $3 ELSE disabled_reason END
       WHERE id = $1`,
      [id, disableAt, `disabled after ${disableAt} failed deliveries in a row`],
    );
  }
}
