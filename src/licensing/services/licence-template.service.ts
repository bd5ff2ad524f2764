import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '../../database/pg-errors.js';
import { type CreateLicenceTemplateDto, LicenceTemplateResponse } from '../dto/licence.dto.js';
import { LicenceTemplateEntity } from '../entities/licence-template.entity.js';
import { type LicenceTerms, wideningsOf, withRevocationStated, withTemplateRevocation } from '../licence-terms.js';
import { LicensingErrorCode, LicensingException } from '../licensing.exception.js';
import { LicenceTemplateRepository } from '../repositories/licence-template.repository.js';

/** A template as a dataset freezes it: identity, full text and the (possibly narrowed) terms. */
export interface ResolvedLicence {
  templateId: string;
  slug: string;
  name: string;
  text: string;
  terms: LicenceTerms;
}

/** The licence templates datasets choose from; admins maintain them. */
@Injectable()
export class LicenceTemplateService {
  constructor(private readonly templates: LicenceTemplateRepository) {}

  async list(): Promise<LicenceTemplateResponse[]> {
    return (await this.templates.listActive()).map((template) => LicenceTemplateResponse.from(template));
  }

  async create(dto: CreateLicenceTemplateDto): Promise<LicenceTemplateResponse> {
    const now = new Date();
    const template = Object.assign(new LicenceTemplateEntity(), {
      id: randomUUID(),
      slug: dto.slug,
      name: dto.name,
      terms: withRevocationStated(dto.terms),
      fullText: dto.text,
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.templates.insert(template);
    } catch (error) {
      if (isUniqueViolation(error)) throw new LicensingException(LicensingErrorCode.TEMPLATE_EXISTS, `A licence template ${dto.slug} already exists`);
      throw error;
    }
    return LicenceTemplateResponse.from(template);
  }

  /**
   * The licence a dataset will sell under: the template with its terms, or a narrowing of them; a widening is refused
   * with every reason. Retired templates cannot be chosen.
   */
  async resolveLicence(templateId: string, narrowed?: LicenceTerms): Promise<ResolvedLicence> {
    const template = await this.templates.findById(templateId);
    if (!template || !template.active) throw new LicensingException(LicensingErrorCode.TEMPLATE_NOT_FOUND, `No licence template ${templateId}`);
    if (narrowed) {
      const widenings = wideningsOf(template.terms, narrowed);
      if (widenings.length > 0) {
        throw new LicensingException(
          LicensingErrorCode.TERMS_WIDEN_TEMPLATE,
          `licenceTerms may only narrow ${template.slug}: ${widenings.join('; ')}`,
        );
      }
    }
    return {
      templateId: template.id,
      slug: template.slug,
      name: template.name,
      text: template.fullText,
      terms: narrowed ? withTemplateRevocation(template.terms, narrowed) : template.terms,
    };
  }
}
