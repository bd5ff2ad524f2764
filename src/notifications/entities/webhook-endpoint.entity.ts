import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WebhookEventType } from '../notification-events.js';

/** A URL a buyer registered to receive signed events about their orders (and their organisation's, for managers). */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpointEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** Set: the endpoint also receives the events of this organisation's orders while its owner is a manager there. */
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true })
  organisationId: string | null;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text', array: true })
  events: WebhookEventType[];

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** The signing secret (`whsec_...`); shown once, at creation. */
  @Column({ type: 'text' })
  secret: string;

  @Column({ type: 'text' })
  status: 'enabled' | 'disabled';

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason: string | null;

  /** Failed attempts since the last success; at WEBHOOK_DISABLE_AFTER_FAILURES the endpoint is disabled. */
  @Column({ name: 'consecutive_failures', type: 'integer' })
  consecutiveFailures: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
