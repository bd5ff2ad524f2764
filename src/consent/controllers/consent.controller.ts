import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import type { Plain } from '../../common/plain.js';
import { parseStrictDate } from '../../common/strict-date.js';
import { ConsentRecordResponse, ConsentRequestResponse, DatasetConsentResponse } from '../dto/consent.response.js';
import { ConsentRequestQuery, DeclineConsentDto, GrantConsentDto } from '../dto/grant-consent.dto.js';
import { ConsentGrantService } from '../services/consent-grant.service.js';
import { ConsentRecordService } from '../services/consent-record.service.js';

@ApiTags('consent')
@Controller('v1')
export class ConsentController {
  constructor(
    private readonly grants: ConsentGrantService,
    private readonly records: ConsentRecordService,
  ) {}

  @Get('me/consent-requests')
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOperation({ summary: 'Open drafts of others that hold your captures: what they ask, for whom, your share, and where you stand' })
  @ApiOkResponse({ type: [ConsentRequestResponse] })
  requests(@CurrentUser() user: AuthUser): Promise<ConsentRequestResponse[]> {
    return this.grants.requests(user);
  }

  @Get('me/consents')
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOperation({ summary: 'Your grants and declines, newest first' })
  @ApiOkResponse({ type: [ConsentRecordResponse] })
  mine(@CurrentUser() user: AuthUser): Promise<Plain<ConsentRecordResponse>[]> {
    return this.grants.mine(user);
  }

  @Get('datasets/:id/consent-request')
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOperation({ summary: 'The consent one draft asks of you, with the grant fields and the message to sign' })
  @ApiOkResponse({ type: ConsentRequestResponse })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CONSENT_REQUEST_NOT_FOUND: no open draft holding captures of yours' })
  request(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ConsentRequestQuery,
  ): Promise<ConsentRequestResponse> {
    return this.grants.request(user, id, query.expiresAt === undefined ? undefined : (parseStrictDate(query.expiresAt) ?? undefined));
  }

  @Post('datasets/:id/consent/grants')
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOperation({
    summary: 'Grant consent: signed by your linked wallet (Ed25519 over the message) or by your session',
    description: 'Recorded append-only and chained into the dataset custody log (consent-granted, with the grant hash).',
  })
  @ApiCreatedResponse({ type: ConsentRecordResponse })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CONSENT_REQUEST_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description:
      'CONSENT_REPLAYED_FOR_OTHER_DATASET, CONSENT_OTHER_WALLET, CONSENT_BAD_SIGNATURE, CONSENT_NO_WALLET, CONSENT_CAPTURE_NOT_OWNED, CONSENT_CAPTURES_INCOMPLETE, CONSENT_EXPIRED, CONSENT_SCOPE_WIDER_THAN_LICENCE, CONSENT_SCOPE_NARROWER_THAN_LICENCE',
  })
  @ApiConflictResponse({ type: ErrorBody, description: 'CONSENT_TERMS_CHANGED (fetch the request again), CONSENT_ALREADY_RECORDED' })
  grant(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: GrantConsentDto,
  ): Promise<Plain<ConsentRecordResponse>> {
    return this.grants.grant(user, id, dto);
  }

  @Post('datasets/:id/consent/declines')
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOperation({ summary: 'Decline with a reason: your captures leave the draft' })
  @ApiCreatedResponse({ type: ConsentRecordResponse })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CONSENT_REQUEST_NOT_FOUND' })
  decline(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: DeclineConsentDto,
  ): Promise<Plain<ConsentRecordResponse>> {
    return this.grants.decline(user, id, dto);
  }

  @Get('datasets/:id/consent')
  @ApiOperation({
    summary: 'The public consent record: per version the grants that cleared it (hash, scope, signer, time), verified; no personal data',
  })
  @ApiOkResponse({ type: DatasetConsentResponse })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CONSENT_DATASET_NOT_FOUND: no published dataset' })
  record(@Param('id', new ParseUUIDPipe()) id: string): Promise<DatasetConsentResponse> {
    return this.records.publicRecord(id);
  }
}
