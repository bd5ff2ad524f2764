import type { Plain } from '../../common/plain.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SliceAreaInput } from '../../catalog/dto/saleable-version.js';
import type { PriceUnit } from '../../catalog/unit-prices.js';
import { bigintAsNumber } from '../../database/bigint-column.js';

/**
 * What a slice order buys (issue 13): the quoted files of the version and the facts they were priced by, as the quote
 * said them when the order was placed. Inserted with the order, never changed (a trigger refuses it).
 */
@Entity({ name: 'order_slices' })
export class OrderSliceEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId: string;

  /** The quote the order was placed from; a quote places at most one order. */
  @Column({ name: 'quote_id', type: 'uuid' })
  quoteId: string;

  /** The area as the buyer drew or typed it (bbox, GeoJSON geometry or H3 cells); null for a window or sensors only. */
  @Column({ type: 'jsonb', nullable: true })
  area: SliceAreaInput | null;

  @Column({ name: 'window_from', type: 'timestamptz', nullable: true })
  windowFrom: Date | null;

  @Column({ name: 'window_to', type: 'timestamptz', nullable: true })
  windowTo: Date | null;

  @Column({ type: 'text', array: true, nullable: true })
  modalities: string[] | null;

  /** The unit the slice was priced by; its contributors are paid in proportion to what they delivered of it. */
  @Column({ type: 'text' })
  unit: PriceUnit;

  /** The files bought: their leaf indexes in the version's Merkle tree, ascending. */
  @Column({ name: 'leaf_indexes', type: 'integer', array: true })
  leafIndexes: number[];

  @Column({ name: 'capture_count', type: 'integer' })
  captureCount: number;

  @Column({ name: 'length_m', type: 'bigint', transformer: bigintAsNumber })
  lengthM: number;

  @Column({ name: 'duration_ms', type: 'bigint', transformer: bigintAsNumber })
  durationMs: number;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: bigintAsNumber })
  sizeBytes: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

export type OrderSlice = Plain<OrderSliceEntity>;
