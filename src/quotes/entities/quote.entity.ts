import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { FootprintGeometry } from '../../ingestion/footprints/footprint.types.js';
import type { PriceUnit, UnitPrices } from '../../catalog/unit-prices.js';
import type { SliceAreaInput, SliceAreaRanges } from '../../catalog/dto/saleable-version.js';
import { bigintAsNumber } from '../../database/bigint-column.js';

/**
 * The slice drawn on a map: each matched capture's footprint, named by its capture and leaf; as its map geometry, or
 * as its bounding box when all the geometries together would be too large to store and send (`drawnAs` says which).
 */
export interface QuoteOutline {
  type: 'FeatureCollection';
  drawnAs: 'geometries' | 'bounding boxes';
  features: { type: 'Feature'; geometry: FootprintGeometry; properties: { captureId: string; leafIndex: number } }[];
}

/** A price for a whole dataset or a slice of its listed version; inserted once, never updated (a trigger refuses it). */
@Entity({ name: 'quotes' })
export class QuoteEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'buyer_id', type: 'uuid' })
  buyerId: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'text' })
  kind: 'whole' | 'slice';

  /** The area as the buyer gave it (bbox, GeoJSON geometry or H3 cells). */
  @Column({ type: 'jsonb', nullable: true })
  area: SliceAreaInput | null;

  /** The area as the cell index answered it: inclusive ranges of res-8 H3 ids. */
  @Column({ name: 'area_ranges', type: 'jsonb', nullable: true })
  areaRanges: SliceAreaRanges | null;

  @Column({ name: 'window_from', type: 'timestamptz', nullable: true })
  windowFrom: Date | null;

  @Column({ name: 'window_to', type: 'timestamptz', nullable: true })
  windowTo: Date | null;

  @Column({ type: 'text', array: true, nullable: true })
  modalities: string[] | null;

  /** The unit a slice was priced by; null for a whole-dataset quote. */
  @Column({ type: 'text', nullable: true })
  unit: PriceUnit | null;

  /** The listing's unit prices the quote was computed from (a change since makes the quote stale). */
  @Column({ name: 'unit_prices', type: 'jsonb', nullable: true })
  unitPrices: UnitPrices | null;

  @Column({ name: 'whole_price_usd_cents', type: 'bigint', transformer: bigintAsNumber })
  wholePriceUsdCents: number;

  @Column({ name: 'leaf_indexes', type: 'integer', array: true })
  leafIndexes: number[];

  @Column({ name: 'capture_ids', type: 'uuid', array: true })
  captureIds: string[];

  @Column({ name: 'capture_count', type: 'integer' })
  captureCount: number;

  @Column({ name: 'length_m', type: 'bigint', transformer: bigintAsNumber })
  lengthM: number;

  @Column({ name: 'duration_ms', type: 'bigint', transformer: bigintAsNumber })
  durationMs: number;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: bigintAsNumber })
  sizeBytes: number;

  @Column({ name: 'price_usd_cents', type: 'bigint', transformer: bigintAsNumber })
  priceUsdCents: number;

  @Column({ type: 'jsonb' })
  outline: QuoteOutline;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
