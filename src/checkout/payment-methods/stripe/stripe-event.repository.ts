import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StripeEventEntity, type StripeEvent } from './stripe-event.entity.js';

@Injectable()
export class StripeEventRepository {
  /**
   * Records the event as being processed in this transaction; false when it already was. A concurrent delivery of
   * the same event waits on the primary key until this transaction ends, then finds it.
   */
  async claim(manager: EntityManager, eventId: string, type: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO stripe_events (event_id, type, outcome) VALUES ($1, $2, 'processing') ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [eventId, type],
    );
    return rows.length === 1;
  }

  async recordOutcome(manager: EntityManager, eventId: string, orderId: string | null, outcome: string): Promise<void> {
    await manager.getRepository(StripeEventEntity).update({ eventId }, { orderId, outcome: outcome.slice(0, 500) });
  }

  findOutcome(manager: EntityManager, eventId: string): Promise<StripeEvent | null> {
    return manager.getRepository(StripeEventEntity).findOne({ where: { eventId } });
  }
}
