import { Column, Entity, PrimaryColumn } from 'typeorm';

export type PayoutMethodKind = 'usdc' | 'stripe';

/** How a user wants to be paid: USDC to a Solana wallet, or Stripe Connect to an account. */
@Entity({ name: 'revenue_payout_methods' })
export class PayoutMethodEntity {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @Column({ type: 'text' })
  kind: PayoutMethodKind;

  @Column({ type: 'text', nullable: true })
  wallet: string | null;

  @Column({ type: 'text', nullable: true })
  account: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
