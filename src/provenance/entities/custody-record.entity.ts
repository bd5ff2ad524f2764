import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonValue } from '../canonical-json.js';

/** One entry of a dataset's custody log, as stored; services hand out the pure CustodyRecord instead. */
@Entity({ name: 'custody_records' })
export class CustodyRecordEntity {
  @PrimaryColumn({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @PrimaryColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'actor_id', type: 'text' })
  actorId: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'jsonb' })
  details: { [key: string]: JsonValue };

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash: string;

  @Column({ type: 'text' })
  hash: string;
}
