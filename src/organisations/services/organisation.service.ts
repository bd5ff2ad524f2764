import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { UserDirectoryService } from '../../auth/services/user-directory.service.js';
import type { AddMemberDto, ChangeRoleDto, CreateOrganisationDto } from '../dto/organisation.dto.js';
import type { OrganisationResponse, OrganisationSummaryResponse } from '../dto/organisation.response.js';
import type { Organisation } from '../entities/organisation.entity.js';
import type { OrganisationMember } from '../entities/organisation-member.entity.js';
import { type OrganisationRole, canManage } from '../organisation-role.js';
import { OrganisationErrorCode, OrganisationException } from '../organisations.exception.js';
import { OrganisationRepository } from '../repositories/organisation.repository.js';
import type { Plain } from '../../common/plain.js';

/** An organisation as other modules see it (checkout names it on licence certificates). */
export interface OrganisationRef {
  id: string;
  name: string;
}

/**
 * Organisations and their members. Only members learn that an organisation exists: everyone else gets the same 404
 * as for an unknown id. Every membership change locks the organisation's row first, so "at least one owner" holds
 * with concurrent changes on several app instances.
 */
@Injectable()
export class OrganisationService {
  constructor(
    private readonly organisations: OrganisationRepository,
    private readonly users: UserDirectoryService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(user: AuthUser, dto: CreateOrganisationDto): Promise<Plain<OrganisationResponse>> {
    const now = new Date();
    const organisation: Organisation = { id: randomUUID(), name: dto.name, createdBy: user.id, createdAt: now };
    const owner: OrganisationMember = { organisationId: organisation.id, userId: user.id, role: 'owner', addedBy: user.id, addedAt: now };
    await this.dataSource.transaction((manager) => this.organisations.insert(manager, organisation, owner));
    return this.get(user, organisation.id);
  }

  async listMine(user: AuthUser): Promise<Plain<OrganisationSummaryResponse>[]> {
    const rows = await this.organisations.listForUser(user.id);
    return rows.map(({ organisation, role }) => ({ id: organisation.id, name: organisation.name, role, createdAt: organisation.createdAt }));
  }

  async get(user: AuthUser, organisationId: string): Promise<Plain<OrganisationResponse>> {
    const organisation = await this.organisations.findById(organisationId);
    const membership = organisation && (await this.organisations.findMembership(this.dataSource.manager, organisationId, user.id));
    if (!organisation || !membership) throw this.notFound(organisationId);
    const rows = await this.organisations.listMembers(organisationId);
    const emails = await this.users.emailsOf(rows.map((row) => row.userId));
    const members = rows.map(({ userId, role, addedAt }) => ({ userId, email: emails.get(userId) ?? null, role, addedAt }));
    return { id: organisation.id, name: organisation.name, role: membership.role, createdAt: organisation.createdAt, members };
  }

  /** Owners and admins add existing accounts by email; only an owner adds another owner. */
  async addMember(user: AuthUser, organisationId: string, dto: AddMemberDto): Promise<Plain<OrganisationResponse>> {
    const userId = await this.users.idForEmail(dto.email);
    await this.dataSource.transaction(async (manager) => {
      const actor = await this.lockAsManager(manager, user, organisationId);
      if (dto.role === 'owner' && actor !== 'owner') throw this.forbidden('Only an owner can add another owner');
      if (!userId)
        throw new OrganisationException(OrganisationErrorCode.USER_NOT_FOUND, `No account with email ${dto.email}; they must register first`);
      if (await this.organisations.findMembership(manager, organisationId, userId)) {
        throw new OrganisationException(OrganisationErrorCode.ALREADY_MEMBER, `${dto.email} is already a member; change their role instead`);
      }
      await this.organisations.insertMember(manager, { organisationId, userId, role: dto.role, addedBy: user.id, addedAt: new Date() });
    });
    return this.get(user, organisationId);
  }

  /** Owners and admins change roles; only an owner grants or takes away the owner role; the last owner stays. */
  async changeRole(user: AuthUser, organisationId: string, memberId: string, dto: ChangeRoleDto): Promise<Plain<OrganisationResponse>> {
    await this.dataSource.transaction(async (manager) => {
      const actor = await this.lockAsManager(manager, user, organisationId);
      const target = await this.member(manager, organisationId, memberId);
      if ((dto.role === 'owner' || target.role === 'owner') && actor !== 'owner')
        throw this.forbidden('Only an owner can grant or take away the owner role');
      if (target.role === dto.role) return;
      if (target.role === 'owner') await this.keepAnOwner(manager, organisationId);
      await this.organisations.updateRole(manager, organisationId, memberId, dto.role);
    });
    return this.get(user, organisationId);
  }

  /** Owners and admins remove members (only an owner removes an owner). Access to the organisation's orders ends at once. */
  async removeMember(user: AuthUser, organisationId: string, memberId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const actor = await this.lockAsManager(manager, user, organisationId);
      const target = await this.member(manager, organisationId, memberId);
      if (target.role === 'owner' && actor !== 'owner') throw this.forbidden('Only an owner can remove an owner');
      if (target.role === 'owner') await this.keepAnOwner(manager, organisationId);
      await this.organisations.deleteMember(manager, organisationId, memberId);
    });
  }

  /** Any member may leave, except the last owner (who must hand over ownership first). */
  async leave(user: AuthUser, organisationId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const membership = await this.lockMembership(manager, user, organisationId);
      if (membership.role === 'owner') await this.keepAnOwner(manager, organisationId);
      await this.organisations.deleteMember(manager, organisationId, user.id);
    });
  }

  // For other modules (checkout): membership is read on every request, so a removed member loses access at once.

  /** The user's role in the organisation, or null when they are not a member (or it does not exist). */
  async roleOf(organisationId: string, userId: string): Promise<OrganisationRole | null> {
    return (await this.organisations.findMembership(this.dataSource.manager, organisationId, userId))?.role ?? null;
  }

  /** The organisation, when the user is a member of it; null otherwise. */
  async findForMember(organisationId: string, userId: string): Promise<(OrganisationRef & { role: OrganisationRole }) | null> {
    const organisation = await this.organisations.findById(organisationId);
    const role = organisation && (await this.roleOf(organisationId, userId));
    return organisation && role ? { id: organisation.id, name: organisation.name, role } : null;
  }

  /** Ids of the organisations the user belongs to. */
  organisationIdsOf(userId: string): Promise<string[]> {
    return this.organisations.organisationIdsOf(userId);
  }

  /** Ids of the organisation's current members, read in the caller's transaction (seats are counted under a lock). */
  memberIds(manager: EntityManager, organisationId: string): Promise<string[]> {
    return this.organisations.memberIds(manager, organisationId);
  }

  /** Locks the organisation's row and answers the user's membership; not a member (or no such organisation): 404. */
  private async lockMembership(manager: EntityManager, user: AuthUser, organisationId: string): Promise<OrganisationMember> {
    const organisation = await this.organisations.lockForUpdate(manager, organisationId);
    const membership = organisation && (await this.organisations.findMembership(manager, organisationId, user.id));
    if (!membership) throw this.notFound(organisationId);
    return membership;
  }

  private async lockAsManager(manager: EntityManager, user: AuthUser, organisationId: string): Promise<OrganisationRole> {
    const membership = await this.lockMembership(manager, user, organisationId);
    if (!canManage(membership.role)) throw this.forbidden('Only owners and admins manage members');
    return membership.role;
  }

  private async member(manager: EntityManager, organisationId: string, userId: string): Promise<OrganisationMember> {
    const member = await this.organisations.findMembership(manager, organisationId, userId);
    if (!member)
      throw new OrganisationException(OrganisationErrorCode.MEMBER_NOT_FOUND, `User ${userId} is not a member of organisation ${organisationId}`);
    return member;
  }

  /** Called, under the organisation's lock, before an owner stops being one. */
  private async keepAnOwner(manager: EntityManager, organisationId: string): Promise<void> {
    if ((await this.organisations.countOwners(manager, organisationId)) <= 1) {
      throw new OrganisationException(
        OrganisationErrorCode.LAST_OWNER,
        `Organisation ${organisationId} must keep at least one owner; make someone else owner first`,
      );
    }
  }

  private notFound(organisationId: string): OrganisationException {
    return new OrganisationException(OrganisationErrorCode.NOT_FOUND, `No organisation ${organisationId} among yours`);
  }

  private forbidden(message: string): OrganisationException {
    return new OrganisationException(OrganisationErrorCode.FORBIDDEN, message);
  }
}
