import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, MoreThan, Repository } from 'typeorm';
import { AdvanceGrantEntity } from '../entities/advance-grant.entity.js';
import { AdvanceGrantRevocationEntity } from '../entities/advance-grant-revocation.entity.js';

@Injectable()
export class AdvanceGrantRepository {
  constructor(
    @InjectRepository(AdvanceGrantEntity) private readonly grants: Repository<AdvanceGrantEntity>,
    @InjectRepository(AdvanceGrantRevocationEntity) private readonly revocations: Repository<AdvanceGrantRevocationEntity>,
  ) {}

  /** Inserts the grants; answers those inserted (a grant already recorded, e.g. from a replayed batch, is left out). */
  async insertNew(manager: EntityManager, grants: readonly AdvanceGrantEntity[]): Promise<AdvanceGrantEntity[]> {
    if (grants.length === 0) return [];
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(AdvanceGrantEntity)
      .values([...grants])
      .orIgnore()
      .returning(['id'])
      .execute();
    const inserted = new Set((result.raw as { id: string }[]).map((row) => row.id));
    return grants.filter((grant) => inserted.has(grant.id));
  }

  async insertRevocation(manager: EntityManager, revocation: AdvanceGrantRevocationEntity): Promise<void> {
    await manager.getRepository(AdvanceGrantRevocationEntity).insert(revocation);
  }

  /** A contributor's grants, newest first, each with its revocation when revoked. */
  async listForContributor(
    contributorId: string,
    limit: number,
  ): Promise<{ grant: AdvanceGrantEntity; revocation: AdvanceGrantRevocationEntity | null }[]> {
    const grants = await this.grants.find({ where: { contributorId }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit });
    const revoked = await this.revocationsOf(
      grants.map((grant) => grant.id),
      undefined,
    );
    return grants.map((grant) => ({ grant, revocation: revoked.get(grant.id) ?? null }));
  }

  /**
   * Locks one of the contributor's grants against a clearance reading it (which holds it FOR SHARE), in the caller's
   * transaction: a revocation and a clearance that uses the grant happen one after the other, never interleaved.
   */
  lockOwned(manager: EntityManager, contributorId: string, id: string): Promise<AdvanceGrantEntity | null> {
    return manager
      .getRepository(AdvanceGrantEntity)
      .createQueryBuilder('g')
      .setLock('pessimistic_write')
      .where('g.id = :id AND g.contributor_id = :contributorId', { id, contributorId })
      .getOne();
  }

  /**
   * The unexpired, unrevoked grants of the contributors, oldest first, read in the caller's transaction. With
   * `lock` the grant rows are held FOR SHARE first and the revocations read after: a revocation committed while this
   * waited is seen, and one that comes later waits for this transaction.
   */
  async liveFor(contributorIds: readonly string[], now: Date, manager?: EntityManager, lock = false): Promise<AdvanceGrantEntity[]> {
    if (contributorIds.length === 0) return [];
    const query = (manager?.getRepository(AdvanceGrantEntity) ?? this.grants)
      .createQueryBuilder('g')
      .where('g.contributor_id IN (:...ids) AND g.expires_at > :now', { ids: [...new Set(contributorIds)], now })
      .orderBy('g.created_at', 'ASC')
      .addOrderBy('g.id', 'ASC');
    if (lock) query.setLock('pessimistic_read');
    const grants = await query.getMany();
    const revoked = await this.revocationsOf(
      grants.map((grant) => grant.id),
      manager,
    );
    return grants.filter((grant) => !revoked.has(grant.id));
  }

  /** The revocation of one grant, read in the caller's transaction; null while it stands. */
  revocationOf(manager: EntityManager, grantId: string): Promise<AdvanceGrantRevocationEntity | null> {
    return manager.getRepository(AdvanceGrantRevocationEntity).findOne({ where: { grantId } });
  }

  /** The grants with these hashes (any state), for the public record of the grants derived from them. */
  async findByHashes(hashes: readonly string[]): Promise<Map<string, AdvanceGrantEntity>> {
    if (hashes.length === 0) return new Map();
    const rows = await this.grants.find({ where: { hash: In([...new Set(hashes)]) } });
    return new Map(rows.map((row) => [row.hash, row]));
  }

  /** How many unexpired grants the contributor holds, revoked or not: a bound on what one account may pile up. */
  countUnexpired(contributorId: string, now: Date): Promise<number> {
    return this.grants.count({ where: { contributorId, expiresAt: MoreThan(now) } });
  }

  private async revocationsOf(grantIds: readonly string[], manager: EntityManager | undefined): Promise<Map<string, AdvanceGrantRevocationEntity>> {
    if (grantIds.length === 0) return new Map();
    const rows = await (manager?.getRepository(AdvanceGrantRevocationEntity) ?? this.revocations).find({ where: { grantId: In([...grantIds]) } });
    return new Map(rows.map((row) => [row.grantId, row]));
  }
}
