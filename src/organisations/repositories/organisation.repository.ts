import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OrganisationMemberEntity } from '../entities/organisation-member.entity.js';
import { OrganisationEntity } from '../entities/organisation.entity.js';
import type { OrganisationRole } from '../organisation-role.js';

@Injectable()
export class OrganisationRepository {
  constructor(
    @InjectRepository(OrganisationEntity) private readonly organisations: Repository<OrganisationEntity>,
    @InjectRepository(OrganisationMemberEntity) private readonly members: Repository<OrganisationMemberEntity>,
  ) {}

  async insert(organisation: OrganisationEntity, owner: OrganisationMemberEntity, manager: EntityManager): Promise<void> {
    await manager.getRepository(OrganisationEntity).insert(organisation);
    await manager.getRepository(OrganisationMemberEntity).insert(owner);
  }

  findById(id: string): Promise<OrganisationEntity | null> {
    return this.organisations.findOne({ where: { id } });
  }

  /** The organisation row, locked until the transaction ends: every membership change goes through here. */
  lockForUpdate(id: string, manager: EntityManager): Promise<OrganisationEntity | null> {
    return manager.getRepository(OrganisationEntity).createQueryBuilder('o').setLock('pessimistic_write').where('o.id = :id', { id }).getOne();
  }

  findMembership(organisationId: string, userId: string, manager?: EntityManager): Promise<OrganisationMemberEntity | null> {
    return (manager?.getRepository(OrganisationMemberEntity) ?? this.members).findOne({ where: { organisationId, userId } });
  }

  countOwners(organisationId: string, manager: EntityManager): Promise<number> {
    return manager.getRepository(OrganisationMemberEntity).count({ where: { organisationId, role: 'owner' } });
  }

  /** Callers hold the organisation's row lock, so a membership read just before is still true here. */
  async insertMember(member: OrganisationMemberEntity, manager: EntityManager): Promise<void> {
    await manager.getRepository(OrganisationMemberEntity).insert(member);
  }

  async updateRole(organisationId: string, userId: string, role: OrganisationRole, manager: EntityManager): Promise<void> {
    await manager.getRepository(OrganisationMemberEntity).update({ organisationId, userId }, { role });
  }

  async deleteMember(organisationId: string, userId: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(OrganisationMemberEntity).delete({ organisationId, userId });
  }

  /** The organisations the user belongs to, with the user's role in each, oldest first. */
  async listForUser(userId: string): Promise<{ organisation: OrganisationEntity; role: OrganisationRole }[]> {
    const rows = await this.members
      .createQueryBuilder('m')
      .innerJoin(OrganisationEntity, 'o', 'o.id = m.organisation_id')
      .select(['o.id AS id', 'o.name AS name', 'o.created_by AS "createdBy"', 'o.created_at AS "createdAt"', 'm.role AS role'])
      .where('m.user_id = :userId', { userId })
      .orderBy('o.created_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .getRawMany<OrganisationEntity & { role: OrganisationRole }>();
    return rows.map(({ role, ...organisation }) => ({ organisation, role }));
  }

  organisationIdsOf(userId: string): Promise<string[]> {
    return this.members.find({ select: { organisationId: true }, where: { userId } }).then((rows) => rows.map((row) => row.organisationId));
  }

  memberIds(organisationId: string, manager?: EntityManager): Promise<string[]> {
    return (manager?.getRepository(OrganisationMemberEntity) ?? this.members)
      .find({ select: { userId: true }, where: { organisationId } })
      .then((rows) => rows.map((row) => row.userId));
  }

  /** Members in the order they joined. */
  listMembers(organisationId: string): Promise<OrganisationMemberEntity[]> {
    return this.members.find({ where: { organisationId }, order: { addedAt: 'ASC', userId: 'ASC' } });
  }
}
