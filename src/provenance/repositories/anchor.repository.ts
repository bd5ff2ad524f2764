import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AnchorEntity } from '../entities/anchor.entity.js';

export interface NewAnchor {
  id: string;
  datasetId: string;
  version: number;
  merkleRoot: string;
  memo: string;
  reference: string;
  requestedBy: string;
}

export interface AnchorConfirmation {
  cluster: string;
  signature: string;
  slot: number;
}

@Injectable()
export class AnchorRepository {
  constructor(
    @InjectRepository(AnchorEntity) private readonly anchors: Repository<AnchorEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Inserts the outbox row unless the version already has one; answers whether this call inserted it. */
  async insertIfAbsent(manager: EntityManager, anchor: NewAnchor): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO provenance_anchors (id, dataset_id, version, merkle_root, memo, reference, requested_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (dataset_id, version) DO NOTHING
       RETURNING id`,
      [anchor.id, anchor.datasetId, anchor.version, anchor.merkleRoot, anchor.memo, anchor.reference, anchor.requestedBy],
    );
    return rows.length === 1;
  }

  findByVersion(datasetId: string, version: number): Promise<AnchorEntity | null> {
    return this.anchors.findOne({ where: { datasetId, version } });
  }

  /** The version's anchor as the caller's transaction sees it. */
  findByVersionInTransaction(manager: EntityManager, datasetId: string, version: number): Promise<AnchorEntity | null> {
    return manager.getRepository(AnchorEntity).findOne({ where: { datasetId, version } });
  }

  listForDataset(datasetId: string): Promise<AnchorEntity[]> {
    return this.anchors.find({ where: { datasetId }, order: { version: 'ASC' } });
  }

  /**
   * Runs `work` holding a session advisory lock on the anchor, so that at most one worker on any instance looks
   * up and sends its transaction at a time; answers false, without running `work`, when another worker holds it.
   * The lock lives on a connection of its own, taken outside any transaction (the embedded database runs one
   * transaction at a time, so an open one would stall `work`), is released before that connection goes back to the
   * pool, and goes with the connection if the process dies. On the embedded database every connection shares one
   * session, where the lock does not exclude: there the job claim alone keeps workers apart.
   */
  async runLocked(anchorId: string, work: () => Promise<void>): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const key = `anchor:${anchorId}`;
    try {
      const rows = await runner.manager.query<{ locked: boolean }[]>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`, [key]);
      if (!rows[0].locked) return false;
      try {
        await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [key]);
      }
      return true;
    } finally {
      await runner.release();
    }
  }

  async countAttempt(id: string): Promise<void> {
    await this.anchors.query(`UPDATE provenance_anchors SET attempts = attempts + 1, updated_at = now() WHERE id = $1`, [id]);
  }

  /** Committed before the transaction is sent, so that a crash right after sending still leaves the time behind. */
  async markSending(id: string): Promise<void> {
    await this.anchors.query(`UPDATE provenance_anchors SET last_sent_at = now(), updated_at = now() WHERE id = $1`, [id]);
  }

  /** Whether a send was started less than `seconds` ago, by the database's clock (the one markSending wrote with). */
  async sentWithin(id: string, seconds: number): Promise<boolean> {
    const rows: { recent: boolean | null }[] = await this.anchors.query(
      `SELECT last_sent_at > now() - make_interval(secs => $2) AS recent FROM provenance_anchors WHERE id = $1`,
      [id, seconds],
    );
    return rows.at(0)?.recent === true;
  }

  async recordFailure(id: string, error: string): Promise<void> {
    await this.anchors.query(`UPDATE provenance_anchors SET last_error = $2, updated_at = now() WHERE id = $1`, [id, error.slice(0, 2000)]);
  }

  /** pending -> confirmed, once; answers false when the anchor was already confirmed. */
  async markConfirmed(manager: EntityManager, id: string, confirmation: AnchorConfirmation): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH confirmed AS (
         UPDATE provenance_anchors
         SET status = 'confirmed', cluster = $2, signature = $3, slot = $4, confirmed_at = now(), last_error = NULL, updated_at = now()
         WHERE id = $1 AND status = 'pending'
         RETURNING id)
       SELECT * FROM confirmed`,
      [id, confirmation.cluster, confirmation.signature, confirmation.slot],
    );
    return rows.length === 1;
  }
}
