import type { Plain } from '../../common/plain.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A buyer's right to download one dataset version, from a paid order, with the licence certificate issued for it. */
@Entity({ name: 'entitlements' })
export class EntitlementEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'buyer_id', type: 'uuid' })
  buyerId: string;

  /** The organisation holding the licence (every current member may use it); null when the buyer holds it alone. */
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true })
  organisationId: string | null;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'granted_at', type: 'timestamptz' })
  grantedAt: Date;

  /** End of the licence term; null is perpetual. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoke_reason', type: 'text', nullable: true })
  revokeReason: string | null;

  /** The signed certificate payload (canonical JSON), kept so every fetch answers the same bytes. */
  @Column({ type: 'text' })
  certificate: string;

  @Column({ name: 'certificate_signature', type: 'text' })
  certificateSignature: string;

  @Column({ name: 'certificate_public_key', type: 'text' })
  certificatePublicKey: string;
}

/** The row as plain data, what services pass around. */
export type Entitlement = Plain<EntitlementEntity>;
