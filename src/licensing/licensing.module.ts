import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { LicencesController } from './controllers/licences.controller.js';
import { LicenceTemplateEntity } from './entities/licence-template.entity.js';
import { LicenceTemplateRepository } from './repositories/licence-template.repository.js';
import { LicenceTemplateService } from './services/licence-template.service.js';

/** Licence templates and their terms. Exposes LicenceTemplateService (list, create, resolveLicence for datasets). */
@Module({
  imports: [TypeOrmModule.forFeature([LicenceTemplateEntity]), AuthModule],
  controllers: [LicencesController],
  providers: [LicenceTemplateRepository, LicenceTemplateService],
  exports: [LicenceTemplateService],
})
export class LicensingModule {}
