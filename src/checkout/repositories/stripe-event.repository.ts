import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StripeEventEntity } from '../entities/stripe-event.entity.js';

@Injectable()
export class StripeEventRepository {
  /**
   * Records the event as being processed in this transaction; false when it already was. A concurrent delivery of
   * the same event waits on the primary key until this transaction ends, then finds it.
   */
  async claim(eventId: string, type: string, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO stripe_events (event_id, type, outcome) VALUES ($1, $2, 'processing') ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [eventId, type],
    );
    return rows.length === 1;
  }

  async recordOutcome(eventId: string, orderId: string | null, outcome: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(StripeEventEntity).update({ eventId }, { orderId, outcome: outcome.slice(0, 500) });
  }

  findOutcome(eventId: string, manager: EntityManager): Promise<StripeEventEntity | null> {
    return manager.getRepository(StripeEventEntity).findOne({ where: { eventId } });
  }
}
