import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LicenceTerms } from '../licence-terms.js';

@Entity({ name: 'licence_templates' })
export class LicenceTemplateEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  slug: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb' })
  terms: LicenceTerms;

  @Column({ name: 'full_text', type: 'text' })
  fullText: string;

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
