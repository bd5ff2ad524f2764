import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { WebhookDeliveryAttemptEntity, WebhookDeliveryEntity } from '../entities/webhook-delivery.entity.js';
import type { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity.js';

/** A claimed delivery with what its attempt needs. */
export interface DueDelivery {
  delivery: WebhookDeliveryEntity;
  endpoint: Pick<WebhookEndpointEntity, 'id' | 'url' | 'secret'>;
}

@Injectable()
export class WebhookDeliveryRepository {
  constructor(
    @InjectRepository(WebhookDeliveryEntity) private readonly deliveries: Repository<WebhookDeliveryEntity>,
    @InjectRepository(WebhookDeliveryAttemptEntity) private readonly attempts: Repository<WebhookDeliveryAttemptEntity>,
  ) {}

  /** Queues the event for the endpoint; an event already queued for it is left as it is. */
  async enqueue(manager: EntityManager, delivery: WebhookDeliveryEntity): Promise<void> {
    await manager.getRepository(WebhookDeliveryEntity).createQueryBuilder().insert().values(delivery).orIgnore().execute();
  }

  /**
   * Claims up to `limit` due deliveries of enabled endpoints: skips rows another instance holds, and moves their due
   * time `leaseSeconds` ahead, so a claim whose instance died is taken up again once it lapses.
   */
  async claimDue(manager: EntityManager, limit: number, leaseSeconds: number): Promise<DueDelivery[]> {
    const rows: { id: string; endpoint_id: string; url: string; secret: string }[] = await manager.query(
      `SELECT d.id, d.endpoint_id, e.url, e.secret
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.status = 'enabled'
        ORDER BY d.next_attempt_at, d.id
        LIMIT $1
        FOR UPDATE OF d SKIP LOCKED`,
      [limit],
    );
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    await manager.query(`UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => $2) WHERE id = ANY($1)`, [ids, leaseSeconds]);
    const deliveries = new Map((await manager.getRepository(WebhookDeliveryEntity).findBy({ id: In(ids) })).map((d) => [d.id, d]));
    return rows.map((row) => ({
      delivery: deliveries.get(row.id) as WebhookDeliveryEntity,
      endpoint: { id: row.endpoint_id, url: row.url, secret: row.secret },
    }));
  }

  /** Locks the delivery if it is still pending at `attempts` (no other instance recorded this attempt meanwhile). */
  async lockAttempt(manager: EntityManager, id: string, attempts: number): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT id FROM webhook_deliveries WHERE id = $1 AND status = 'pending' AND attempts = $2 FOR UPDATE`,
      [id, attempts],
    );
    return rows.length > 0;
  }

  async recordAttempt(
    manager: EntityManager,
    attempt: WebhookDeliveryAttemptEntity,
    next: { status: 'pending'; nextAttemptAt: Date } | { status: 'delivered' | 'failed' },
  ): Promise<void> {
    await manager.getRepository(WebhookDeliveryAttemptEntity).insert(attempt);
    await manager.getRepository(WebhookDeliveryEntity).update(
      { id: attempt.deliveryId },
      {
        attempts: attempt.attempt,
        status: next.status,
        nextAttemptAt: next.status === 'pending' ? next.nextAttemptAt : null,
        deliveredAt: next.status === 'delivered' ? attempt.at : null,
      },
    );
  }

  /** The endpoint's deliveries, newest first. */
  listOfEndpoint(endpointId: string, limit: number): Promise<WebhookDeliveryEntity[]> {
    return this.deliveries.find({ where: { endpointId }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit });
  }

  async attemptsOf(deliveryIds: readonly string[]): Promise<Map<string, WebhookDeliveryAttemptEntity[]>> {
    const grouped = new Map<string, WebhookDeliveryAttemptEntity[]>();
    if (deliveryIds.length === 0) return grouped;
    for (const row of await this.attempts.find({ where: { deliveryId: In([...deliveryIds]) }, order: { attempt: 'ASC' } })) {
      grouped.set(row.deliveryId, [...(grouped.get(row.deliveryId) ?? []), row]);
    }
    return grouped;
  }
}
