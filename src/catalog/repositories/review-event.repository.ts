import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { type KeysetPage, type KeysetPosition, keysetPage } from '../../common/keyset-cursor.js';
import { DatasetReviewEventEntity } from '../entities/dataset-review-event.entity.js';

@Injectable()
export class ReviewEventRepository {
  constructor(@InjectRepository(DatasetReviewEventEntity) private readonly events: Repository<DatasetReviewEventEntity>) {}

  async insert(manager: EntityManager, event: DatasetReviewEventEntity): Promise<void> {
    await manager.getRepository(DatasetReviewEventEntity).insert(event);
  }

  /** Newest first, optionally for one dataset, keyset-paged by (created_at, id). */
  list(datasetId: string | undefined, limit: number, before?: KeysetPosition): Promise<KeysetPage<DatasetReviewEventEntity>> {
    const query = this.events.createQueryBuilder('e');
    if (datasetId) query.andWhere('e.dataset_id = :datasetId', { datasetId });
    return keysetPage(query, 'DESC', limit, before);
  }

  /** The latest rejection or change request of each dataset, for showing the reason with the draft. */
  async lastReasons(datasetIds: readonly string[]): Promise<Map<string, string>> {
    if (datasetIds.length === 0) return new Map();
    const rows: { dataset_id: string; reason: string }[] = await this.events.query(
      `SELECT DISTINCT ON (dataset_id) dataset_id, reason FROM dataset_review_events
       WHERE dataset_id = ANY($1) AND action IN ('rejected', 'changes-requested')
       ORDER BY dataset_id, created_at DESC, id DESC`,
      [datasetIds],
    );
    return new Map(rows.map((row) => [row.dataset_id, row.reason]));
  }
}
