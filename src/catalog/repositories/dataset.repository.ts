import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { type KeysetPage, type KeysetPosition, keysetPage } from '../../common/keyset-cursor.js';
import { DatasetEntity } from '../entities/dataset.entity.js';

@Injectable()
export class DatasetRepository {
  constructor(@InjectRepository(DatasetEntity) private readonly datasets: Repository<DatasetEntity>) {}

  async insert(manager: EntityManager, dataset: DatasetEntity): Promise<void> {
    await manager.getRepository(DatasetEntity).insert(dataset);
  }

  async save(manager: EntityManager, dataset: DatasetEntity): Promise<void> {
    const { id, ...fields } = dataset;
    await manager.getRepository(DatasetEntity).update({ id }, fields);
  }

  findById(id: string): Promise<DatasetEntity | null> {
    return this.datasets.findOne({ where: { id } });
  }

  /** The dataset, locked until the transaction ends, so two workflow actions on it run one after the other. */
  lockForUpdate(manager: EntityManager, id: string): Promise<DatasetEntity | null> {
    return manager.getRepository(DatasetEntity).createQueryBuilder('d').setLock('pessimistic_write').where('d.id = :id', { id }).getOne();
  }

  /** Newest first, keyset-paged by (created_at, id). */
  listForOwner(ownerId: string, limit: number, before?: KeysetPosition): Promise<KeysetPage<DatasetEntity>> {
    return keysetPage(this.datasets.createQueryBuilder('d').where('d.owner_id = :ownerId', { ownerId }), 'DESC', limit, before);
  }

  /** Open drafts (editing, in review, sent back) of owners other than `ownerId`, newest first. */
  findOpenDraftsNotOwnedBy(ownerId: string): Promise<DatasetEntity[]> {
    return this.datasets
      .createQueryBuilder('d')
      .where('d.draft_state IS NOT NULL AND d.owner_id <> :ownerId', { ownerId })
      .orderBy('d.updated_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .getMany();
  }

  /** Drafts waiting for review, oldest submission first. */
  findInReview(limit: number): Promise<DatasetEntity[]> {
    return this.datasets
      .createQueryBuilder('d')
      .where(`d.draft_state = 'in_review'`)
      .orderBy('d.submitted_at', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .limit(limit)
      .getMany();
  }
}
