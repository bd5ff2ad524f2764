import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A member of the holding organisation who took one of the licence's seats (maxSeats) by downloading under it. */
@Entity({ name: 'entitlement_seats' })
export class EntitlementSeatEntity {
  @PrimaryColumn({ name: 'entitlement_id', type: 'uuid' })
  entitlementId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'taken_at', type: 'timestamptz' })
  takenAt: Date;
}
