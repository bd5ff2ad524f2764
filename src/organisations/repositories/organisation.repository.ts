import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OrganisationMemberEntity, type OrganisationMember } from '../entities/organisation-member.entity.js';
import { OrganisationEntity, type Organisation } from '../entities/organisation.entity.js';
import type { OrganisationRole } from '../organisation-role.js';

@Injectable()
export class OrganisationRepository {
  constructor(
    @InjectRepository(OrganisationEntity) private readonly organisations: Repository<OrganisationEntity>,
    @InjectRepository(OrganisationMemberEntity) private readonly members: Repository<OrganisationMemberEntity>,
  ) {}

  async insert(manager: EntityManager, organisation: Organisation, owner: OrganisationMember): Promise<void> {
    await manager.getRepository(OrganisationEntity).insert(organisation);
    await manager.getRepository(OrganisationMemberEntity).insert(owner);
  }

  findById(id: string): Promise<Organisation | null> {
    return this.organisations.findOne({ where: { id } });
  }

  /** The organisation row, locked until the transaction ends: every membership change goes through here. */
  lockForUpdate(manager: EntityManager, id: string): Promise<Organisation | null> {
    return manager.getRepository(OrganisationEntity).createQueryBuilder('o').setLock('pessimistic_write').where('o.id = :id', { id }).getOne();
  }

  /** Pass the data source's manager to read outside a transaction. */
  findMembership(manager: EntityManager, organisationId: string, userId: string): Promise<OrganisationMember | null> {
    return manager.getRepository(OrganisationMemberEntity).findOne({ where: { organisationId, userId } });
  }

  countOwners(manager: EntityManager, organisationId: string): Promise<number> {
    return manager.getRepository(OrganisationMemberEntity).count({ where: { organisationId, role: 'owner' } });
  }

  /** Callers hold the organisation's row lock, so a membership read just before is still true here. */
  async insertMember(manager: EntityManager, member: OrganisationMember): Promise<void> {
    await manager.getRepository(OrganisationMemberEntity).insert(member);
  }

  async updateRole(manager: EntityManager, organisationId: string, userId: string, role: OrganisationRole): Promise<void> {
    await manager.getRepository(OrganisationMemberEntity).update({ organisationId, userId }, { role });
  }

  async deleteMember(manager: EntityManager, organisationId: string, userId: string): Promise<void> {
    await manager.getRepository(OrganisationMemberEntity).delete({ organisationId, userId });
  }

  /** The organisations the user belongs to, with the user's role in each, oldest first. */
  async listForUser(userId: string): Promise<{ organisation: Organisation; role: OrganisationRole }[]> {
    const rows = await this.members
      .createQueryBuilder('m')
      .innerJoin(OrganisationEntity, 'o', 'o.id = m.organisation_id')
      .select(['o.id AS id', 'o.name AS name', 'o.created_by AS "createdBy"', 'o.created_at AS "createdAt"', 'm.role AS role'])
      .where('m.user_id = :userId', { userId })
      .orderBy('o.created_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .getRawMany<Organisation & { role: OrganisationRole }>();
    return rows.map(({ role, ...organisation }) => ({ organisation, role }));
  }

  organisationIdsOf(userId: string): Promise<string[]> {
    return this.members.find({ select: { organisationId: true }, where: { userId } }).then((rows) => rows.map((row) => row.organisationId));
  }

  memberIds(manager: EntityManager, organisationId: string): Promise<string[]> {
    return manager
      .getRepository(OrganisationMemberEntity)
      .find({ select: { userId: true }, where: { organisationId } })
      .then((rows) => rows.map((row) => row.userId));
  }

  /** Members in the order they joined. */
  listMembers(organisationId: string): Promise<OrganisationMember[]> {
    return this.members.find({ where: { organisationId }, order: { addedAt: 'ASC', userId: 'ASC' } });
  }
}
