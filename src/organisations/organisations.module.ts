import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { OrganisationsController } from './controllers/organisations.controller.js';
import { OrganisationMemberEntity } from './entities/organisation-member.entity.js';
import { OrganisationEntity } from './entities/organisation.entity.js';
import { OrganisationRepository } from './repositories/organisation.repository.js';
import { OrganisationService } from './services/organisation.service.js';

export const ORGANISATION_ENTITIES = [OrganisationEntity, OrganisationMemberEntity];

/**
 * Organisations (teams that buy together) and their members. Checkout uses OrganisationService to decide who may
 * buy for an organisation and who sees its orders; API keys act as the user who made them, so a member's key
 * reaches the organisation's orders through that user's membership.
 */
@Module({
  imports: [TypeOrmModule.forFeature(ORGANISATION_ENTITIES), AuthModule],
  controllers: [OrganisationsController],
  providers: [OrganisationRepository, OrganisationService],
  exports: [OrganisationService],
})
export class OrganisationsModule {}
