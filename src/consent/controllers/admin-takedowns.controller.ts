import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import type { Plain } from '../../common/plain.js';
import { TakeDownCapturesDto, TakedownResponse, TakeOutResponse, TakeOutsQuery } from '../dto/takedown.dto.js';
import { AdminTakedownService } from '../services/admin-takedown.service.js';

@ApiTags('consent')
@Auth(Role.ADMIN)
@Controller('v1/admin')
export class AdminTakedownsController {
  constructor(private readonly takedowns: AdminTakedownService) {}

  @Post('datasets/:id/capture-takedowns')
  @ApiOperation({
    summary: 'Takes captures down from a published dataset on a request (privacy: published at once without them; other kinds: through review)',
    description:
      'The listed version stops being sold; recorded in the consent record and the custody log as an admin takedown; buyers of affected versions are told, and licences revocable on withdrawal stop covering the files.',
  })
  @ApiCreatedResponse({ type: TakedownResponse })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CONSENT_NOTHING_TO_WITHDRAW: no published dataset holds these captures' })
  takeDown(
    @CurrentUser() admin: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: TakeDownCapturesDto,
  ): Promise<Plain<TakedownResponse>> {
    return this.takedowns.takeDown(admin, id, dto);
  }

  @Get('withdrawals')
  @ApiOperation({ summary: "Contributors' withdrawals and admins' takedowns, newest first, each with where it stands" })
  @ApiOkResponse({ type: [TakeOutResponse] })
  queue(@Query() query: TakeOutsQuery): Promise<Plain<TakeOutResponse>[]> {
    return this.takedowns.queue(query.limit);
  }
}
