import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A DePAI network allowed to push signed batches of captures. */
@Entity({ name: 'networks' })
export class NetworkEntity {
  @PrimaryColumn('text')
  slug: string;

  @Column({ type: 'text' })
  name: string;

  /** Ed25519 public key (base58) that signs the network's batches. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey: string;

  /** Object keys a batch may reference must start with this prefix: a network can only hand over its own staging area. */
  @Column({ name: 'staging_prefix', type: 'text' })
  stagingPrefix: string;

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
