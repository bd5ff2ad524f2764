import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { LicenceTemplateEntity } from '../entities/licence-template.entity.js';

@Injectable()
export class LicenceTemplateRepository {
  constructor(@InjectRepository(LicenceTemplateEntity) private readonly templates: Repository<LicenceTemplateEntity>) {}

  async insert(template: LicenceTemplateEntity): Promise<void> {
    await this.templates.insert(template);
  }

  listActive(): Promise<LicenceTemplateEntity[]> {
    return this.templates.find({ where: { active: true }, order: { createdAt: 'ASC', slug: 'ASC' } });
  }

  findById(id: string): Promise<LicenceTemplateEntity | null> {
    return this.templates.findOne({ where: { id } });
  }
}
