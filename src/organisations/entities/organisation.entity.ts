import type { Plain } from '../../common/plain.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'organisations' })
export class OrganisationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The row as plain data, what services pass around. */
export type Organisation = Plain<OrganisationEntity>;
