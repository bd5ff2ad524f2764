import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { ConsentRecordEntity, type ConsentRecordKind } from '../entities/consent-record.entity.js';

/** Records that take captures out of a published dataset. */
const TAKE_OUTS: ConsentRecordKind[] = ['withdrawal', 'takedown'];

@Injectable()
export class ConsentRecordRepository {
  constructor(@InjectRepository(ConsentRecordEntity) private readonly records: Repository<ConsentRecordEntity>) {}

  async insert(manager: EntityManager, record: ConsentRecordEntity): Promise<void> {
    await manager.getRepository(ConsentRecordEntity).insert(record);
  }

  /**
   * Every record of a dataset in custody order, read in the caller's transaction when given. custody_seq orders a
   * dataset's records exactly (appends to its log are serialized), unlike two equal clocks.
   */
  inOrder(datasetId: string, manager?: EntityManager): Promise<ConsentRecordEntity[]> {
    return (manager?.getRepository(ConsentRecordEntity) ?? this.records).find({ where: { datasetId }, order: { custodySeq: 'ASC' } });
  }

  /** The withdrawals and admin takedowns from any of the datasets, in custody order. */
  withdrawalsOf(datasetIds: readonly string[]): Promise<ConsentRecordEntity[]> {
    if (datasetIds.length === 0) return Promise.resolve([]);
    return this.records.find({ where: { datasetId: In([...new Set(datasetIds)]), kind: In(TAKE_OUTS) }, order: { custodySeq: 'ASC' } });
  }

  /** A contributor's own withdrawals, oldest first. */
  withdrawalsBy(contributorId: string): Promise<ConsentRecordEntity[]> {
    return this.records.find({ where: { contributorId, kind: 'withdrawal' }, order: { createdAt: 'ASC', custodySeq: 'ASC' } });
  }

  /** The newest withdrawals and takedowns of every dataset, for the admins' queue. */
  latestTakeOuts(limit: number): Promise<ConsentRecordEntity[]> {
    return this.records.find({ where: { kind: In(TAKE_OUTS) }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit });
  }

  /** A contributor's records, newest first. */
  listForContributor(contributorId: string, limit: number): Promise<ConsentRecordEntity[]> {
    return this.records.find({ where: { contributorId }, order: { createdAt: 'DESC', custodySeq: 'DESC' }, take: limit });
  }
}
