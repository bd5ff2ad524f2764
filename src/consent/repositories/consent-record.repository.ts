import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ConsentRecordEntity } from '../entities/consent-record.entity.js';

@Injectable()
export class ConsentRecordRepository {
  constructor(@InjectRepository(ConsentRecordEntity) private readonly records: Repository<ConsentRecordEntity>) {}

  async insert(manager: EntityManager, record: ConsentRecordEntity): Promise<void> {
    await manager.getRepository(ConsentRecordEntity).insert(record);
  }

  /** The newest record of each contributor for a dataset (what stands now), read in the caller's transaction when given. */
  async latestPerContributor(datasetId: string, manager?: EntityManager): Promise<Map<string, ConsentRecordEntity>> {
    const rows = await (manager?.getRepository(ConsentRecordEntity) ?? this.records).find({
      where: { datasetId },
      order: { custodySeq: 'ASC' },
    });
    // custody_seq orders a dataset's records exactly (appends to its log are serialized), unlike two equal clocks.
    return new Map(rows.map((row) => [row.contributorId, row]));
  }

  /** Every record of a dataset, oldest first. */
  listForDataset(datasetId: string): Promise<ConsentRecordEntity[]> {
    return this.records.find({ where: { datasetId }, order: { custodySeq: 'ASC' } });
  }

  /** A contributor's records, newest first. */
  listForContributor(contributorId: string, limit: number): Promise<ConsentRecordEntity[]> {
    return this.records.find({ where: { contributorId }, order: { createdAt: 'DESC', custodySeq: 'DESC' }, take: limit });
  }
}
