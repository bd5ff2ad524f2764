import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import type { Plain } from '../../common/plain.js';
import { ConsentErrorCode, ConsentException } from '../consent.exception.js';
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
  @ApiErrorResponse(
    'No published dataset holds these captures',
    new ConsentException(
      ConsentErrorCode.NOTHING_TO_WITHDRAW,
      'Published dataset 067e188a-4264-41b0-97a8-ecc3623f344f holds none of these captures (any more)',
    ),
  )
  @ApiErrorResponse(
    'Some captures are only in the open draft, not in the version sold',
    new ConsentException(
      ConsentErrorCode.CAPTURE_NOT_PUBLISHED,
      'The published version of dataset 067e188a-4264-41b0-97a8-ecc3623f344f does not hold 52209f96-02f8-4c32-811b-d4fab64fcceb; take down only captures it sells',
    ),
  )
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
