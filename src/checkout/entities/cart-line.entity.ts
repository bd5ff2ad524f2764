import type { Plain } from '../../common/plain.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One line of a buyer's cart: a whole version of a dataset, or the slice a quote priced (issue 13). */
@Entity({ name: 'cart_lines' })
export class CartLineEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'buyer_id', type: 'uuid' })
  buyerId: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  /** The version listed when the line was added (a quote's version for a slice). */
  @Column({ type: 'integer' })
  version: number;

  /** The quote a slice line buys; null for the whole version. */
  @Column({ name: 'quote_id', type: 'uuid', nullable: true })
  quoteId: string | null;

  /** The buyer said to buy the version even though they already hold a pending or paid order of it (asked first). */
  @Column({ name: 'allow_repeat', type: 'boolean', default: false })
  allowRepeat: boolean;

  @Column({ name: 'added_at', type: 'timestamptz' })
  addedAt: Date;
}

/** The row as plain data, what services pass around. */
export type CartLine = Plain<CartLineEntity>;
