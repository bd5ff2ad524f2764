import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'wallet_challenges' })
export class WalletChallengeEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  address: string;

  @Column({ type: 'text' })
  nonce: string;

  @Column({ type: 'text' })
  message: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
