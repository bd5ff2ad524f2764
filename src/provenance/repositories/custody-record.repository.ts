import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { CustodyRecord } from '../custody-log.js';
import { CustodyRecordEntity } from '../entities/custody-record.entity.js';

function toRecord(entity: CustodyRecordEntity): CustodyRecord {
  const { seq, datasetId, kind, actorId, at, details, prevHash, hash } = entity;
  return { seq, datasetId, kind, actorId, at: at.toISOString(), details, prevHash, hash };
}

@Injectable()
export class CustodyRecordRepository {
  constructor(@InjectRepository(CustodyRecordEntity) private readonly records: Repository<CustodyRecordEntity>) {}

  /**
   * Serializes appends to one dataset's log until the caller's transaction ends, on every instance sharing the
   * database. The key is a 64-bit hash of the dataset id; a collision only makes two datasets wait for each other.
   */
  async lockDataset(manager: EntityManager, datasetId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`custody:${datasetId}`]);
  }

  async findLast(manager: EntityManager, datasetId: string): Promise<CustodyRecord | undefined> {
    const last = await manager.getRepository(CustodyRecordEntity).findOne({ where: { datasetId }, order: { seq: 'DESC' } });
    return last ? toRecord(last) : undefined;
  }

  async insert(manager: EntityManager, record: CustodyRecord): Promise<void> {
    const { seq, datasetId, kind, actorId, at, details, prevHash, hash } = record;
    await manager.query(
      `INSERT INTO custody_records (dataset_id, seq, kind, actor_id, at, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [datasetId, seq, kind, actorId, at, JSON.stringify(details), prevHash, hash],
    );
  }

  async listForDataset(datasetId: string): Promise<CustodyRecord[]> {
    return (await this.records.find({ where: { datasetId }, order: { seq: 'ASC' } })).map(toRecord);
  }
}
