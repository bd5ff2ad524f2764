import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AdvanceGrantFields } from '../advance-grant.js';
import type { ConsentMethod } from '../consent-grant.js';

/** Where an advance grant came from: the contributor's own request, or their network's signed batch. */
export type AdvanceGrantSource = 'contributor' | 'network-batch';

/** A contributor's consent in advance to a network's or a curator's datasets (issue 16); never changed. */
@Entity({ name: 'advance_grants' })
export class AdvanceGrantEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'contributor_id', type: 'uuid' })
  contributorId: string;

  @Column({ type: 'text', nullable: true })
  network: string | null;

  @Column({ name: 'curator_id', type: 'uuid', nullable: true })
  curatorId: string | null;

  @Column({ type: 'jsonb' })
  fields: AdvanceGrantFields;

  @Column({ type: 'text' })
  method: ConsentMethod;

  /** Wallet address, or the contributor's user id for a session grant. */
  @Column({ type: 'text' })
  signer: string;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'text', nullable: true })
  signature: string | null;

  @Column({ type: 'text' })
  source: AdvanceGrantSource;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'text' })
  hash: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
