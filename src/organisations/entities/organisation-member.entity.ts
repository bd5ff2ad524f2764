import type { Plain } from '../../common/plain.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrganisationRole } from '../organisation-role.js';

@Entity({ name: 'organisation_members' })
export class OrganisationMemberEntity {
  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  role: OrganisationRole;

  @Column({ name: 'added_by', type: 'uuid', nullable: true })
  addedBy: string | null;

  @Column({ name: 'added_at', type: 'timestamptz' })
  addedAt: Date;
}

/** The row as plain data, what services pass around. */
export type OrganisationMember = Plain<OrganisationMemberEntity>;
