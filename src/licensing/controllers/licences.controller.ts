import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Auth } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { CreateLicenceTemplateDto, LicenceTemplateResponse } from '../dto/licence.dto.js';
import { LicensingErrorCode, LicensingException } from '../licensing.exception.js';
import { LicenceTemplateService } from '../services/licence-template.service.js';

@ApiTags('licences')
@Controller('v1')
export class LicencesController {
  constructor(private readonly templates: LicenceTemplateService) {}

  @Get('licences')
  @ApiOperation({ summary: 'The licence templates datasets are sold under, with their terms' })
  @ApiOkResponse({ type: [LicenceTemplateResponse], description: 'The licences datasets are sold under' })
  list(): Promise<LicenceTemplateResponse[]> {
    return this.templates.list();
  }

  @Post('admin/licences')
  @ApiOperation({ summary: 'Adds a licence template (admins)' })
  @Auth(Role.ADMIN)
  @ApiCreatedResponse({ type: LicenceTemplateResponse })
  @ApiErrorResponse('Slug taken', new LicensingException(LicensingErrorCode.TEMPLATE_EXISTS, 'A licence template research-only already exists'))
  create(@Body() dto: CreateLicenceTemplateDto): Promise<LicenceTemplateResponse> {
    return this.templates.create(dto);
  }
}
