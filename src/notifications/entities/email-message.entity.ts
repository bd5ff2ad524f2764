import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A plain-text e-mail in the outbox, sent by the notifications job through SMTP or written to the mail folder. */
@Entity({ name: 'email_messages' })
export class EmailMessageEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** What the message is about and for whom (`<event id>:<recipient>`): the same notice is never queued twice. */
  @Column({ name: 'dedupe_key', type: 'text' })
  dedupeKey: string;

  @Column({ name: 'to_address', type: 'text' })
  toAddress: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ name: 'text_body', type: 'text' })
  textBody: string;

  @Column({ type: 'text' })
  status: 'pending' | 'sent' | 'failed';

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
