import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A licence certificate that a reissued one replaced (issue 16); append-only, so it still verifies and can be shown. */
@Entity({ name: 'superseded_certificates' })
export class SupersededCertificateEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'entitlement_id', type: 'uuid' })
  entitlementId: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'text' })
  signature: string;

  @Column({ name: 'public_key', type: 'text' })
  publicKey: string;

  /** Why it was replaced, in words for the buyer. */
  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'superseded_at', type: 'timestamptz' })
  supersededAt: Date;
}
