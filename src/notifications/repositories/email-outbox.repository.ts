import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { EmailMessageEntity } from '../entities/email-message.entity.js';

@Injectable()
export class EmailOutboxRepository {
  /** Queues the message; one with the same dedupe key already queued is left as it is. */
  async enqueue(manager: EntityManager, message: EmailMessageEntity): Promise<void> {
    await manager.getRepository(EmailMessageEntity).createQueryBuilder().insert().values(message).orIgnore().execute();
  }

  /** Queues a new message to send now, keyed by `dedupeKey` (one already queued under it is left as it is). */
  async enqueueNew(manager: EntityManager, message: { dedupeKey: string; to: string; subject: string; text: string }): Promise<void> {
    await this.enqueue(
      manager,
      Object.assign(new EmailMessageEntity(), {
        id: randomUUID(),
        dedupeKey: message.dedupeKey,
        toAddress: message.to,
        subject: message.subject,
        textBody: message.text,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: new Date(),
        lastError: null,
        sentAt: null,
        createdAt: new Date(),
      } satisfies EmailMessageEntity),
    );
  }

  /** As WebhookDeliveryRepository.claimDue: due messages, skipping those another instance holds, leased ahead. */
  async claimDue(manager: EntityManager, limit: number, leaseSeconds: number): Promise<EmailMessageEntity[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM email_messages WHERE status = 'pending' AND next_attempt_at <= now()
        ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    await manager.query(`UPDATE email_messages SET next_attempt_at = now() + make_interval(secs => $2) WHERE id = ANY($1)`, [ids, leaseSeconds]);
    return manager.getRepository(EmailMessageEntity).findBy({ id: In(ids) });
  }

  /** Records a try of the message, if it is still pending at `attempts` (no other instance recorded it meanwhile). */
  async recordAttempt(
    manager: EntityManager,
    id: string,
    attempts: number,
    outcome: { status: 'sent'; at: Date } | { status: 'pending'; nextAttemptAt: Date; error: string } | { status: 'failed'; error: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE email_messages SET attempts = $3, status = $4, next_attempt_at = $5, last_error = $6, sent_at = $7
        WHERE id = $1 AND status = 'pending' AND attempts = $2`,
      [
        id,
        attempts,
        attempts + 1,
        outcome.status,
        outcome.status === 'pending' ? outcome.nextAttemptAt : null,
        outcome.status === 'sent' ? null : outcome.error,
        outcome.status === 'sent' ? outcome.at : null,
      ],
    );
  }
}
