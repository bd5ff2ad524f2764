import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import type { Plain } from '../../common/plain.js';
import { parseStrictDate } from '../../common/strict-date.js';
import { ConsentErrorCode, ConsentException } from '../consent.exception.js';
import { ConsentRecordResponse, ConsentRequestResponse, DatasetConsentResponse } from '../dto/consent.response.js';
import { ConsentRequestQuery, DeclineConsentDto, GrantConsentDto, WithdrawConsentDto } from '../dto/grant-consent.dto.js';
import { ConsentGrantService } from '../services/consent-grant.service.js';
import { ConsentRecordService } from '../services/consent-record.service.js';

const DATASET_ID = '067e188a-4264-41b0-97a8-ecc3623f344f';
const CAPTURE_ID = '52209f96-02f8-4c32-811b-d4fab64fcceb';
const NoRequest = (description: string) =>
  ApiErrorResponse(description, new ConsentException(ConsentErrorCode.REQUEST_NOT_FOUND, `No open draft ${DATASET_ID} holds captures of yours`));

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
  @NoRequest('No open draft holding captures of yours')
  @ApiErrorResponse('expiresAt is not in the future', new ConsentException(ConsentErrorCode.EXPIRED, 'expiresAt must lie in the future'))
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
  @ApiErrorResponse(
    'Grant fields that are not a grant: a session grant with a signature, a wallet grant without one, times out of order',
    new ConsentException(ConsentErrorCode.INVALID_GRANT, 'expiresAt must come after issuedAt'),
  )
  @NoRequest('No open draft holding captures of yours')
  @ApiErrorResponse(
    'The grant does not clear this draft for you: made for another dataset or contributor, not signed by your wallet, not for your captures (all of them), expired, or for another scope than the licence',
    new ConsentException(
      ConsentErrorCode.REPLAYED_FOR_OTHER_DATASET,
      `This grant was made for dataset 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d; it cannot clear dataset ${DATASET_ID}`,
    ),
    new ConsentException(ConsentErrorCode.OTHER_CONTRIBUTOR, 'This grant names contributor 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0, not you'),
    new ConsentException(
      ConsentErrorCode.NO_WALLET,
      'Link a wallet to your account (wallet sign-in) before granting with it, or grant with your session',
    ),
    new ConsentException(
      ConsentErrorCode.OTHER_WALLET,
      'The grant was signed by 7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU, not by the wallet linked to your account',
    ),
    new ConsentException(
      ConsentErrorCode.BAD_SIGNATURE,
      'The signature does not verify against your wallet over the consent message of these fields',
    ),
    new ConsentException(ConsentErrorCode.CAPTURE_NOT_OWNED, `You cannot grant for captures that are not yours in this draft: ${CAPTURE_ID}`),
    new ConsentException(
      ConsentErrorCode.CAPTURES_INCOMPLETE,
      `The grant must name every capture of yours in the draft (or decline); missing: ${CAPTURE_ID}`,
    ),
    new ConsentException(ConsentErrorCode.EXPIRED, 'This grant expired at 2026-11-30T12:00:00.000Z'),
    new ConsentException(
      ConsentErrorCode.SCOPE_WIDER_THAN_LICENCE,
      "The grant's scope is wider than the dataset's licence research-only: commercial use is not sold under this licence",
    ),
    new ConsentException(
      ConsentErrorCode.SCOPE_NARROWER_THAN_LICENCE,
      'The grant does not cover what the licence commercial-ai-training sells: the licence sells commercial use; decline instead if you do not agree',
    ),
  )
  @ApiErrorResponse(
    'The draft changed since the grant was prepared (fetch the request again), or this very grant is already recorded',
    new ConsentException(
      ConsentErrorCode.TERMS_CHANGED,
      'The draft changed since this grant was prepared: price is now 52000 cents; fetch the request again',
    ),
    new ConsentException(
      ConsentErrorCode.ALREADY_RECORDED,
      'Grant 3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a is already recorded',
    ),
  )
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
  @NoRequest('No open draft holding captures of yours')
  decline(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: DeclineConsentDto,
  ): Promise<Plain<ConsentRecordResponse>> {
    return this.grants.decline(user, id, dto);
  }

  @Post('datasets/:id/consent/withdrawals')
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOperation({
    summary: 'Withdraw your captures (all of them, or those named) from a published dataset, with a reason',
    description:
      'The listed version stops being sold at once; the next version without the captures goes to review. Withdrawn captures are not covered by your grant any more, even if put back.',
  })
  @ApiCreatedResponse({ type: ConsentRecordResponse })
  @ApiErrorResponse(
    'No published dataset holds captures of yours (any more)',
    new ConsentException(ConsentErrorCode.NOTHING_TO_WITHDRAW, `No published dataset ${DATASET_ID} holds captures of yours (any more)`),
  )
  @ApiErrorResponse(
    'Some of the captures named are not yours',
    new ConsentException(ConsentErrorCode.CAPTURE_NOT_OWNED, `You can only withdraw your own captures in this dataset; not yours: ${CAPTURE_ID}`),
  )
  withdraw(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: WithdrawConsentDto,
  ): Promise<Plain<ConsentRecordResponse>> {
    return this.grants.withdraw(user, id, dto);
  }

  @Get('datasets/:id/consent')
  @ApiOperation({
    summary: 'The public consent record: per version the grants that cleared it (hash, scope, signer, time), verified; no personal data',
  })
  @ApiOkResponse({ type: DatasetConsentResponse })
  @ApiErrorResponse('No published dataset', new ConsentException(ConsentErrorCode.DATASET_NOT_FOUND, `No published dataset ${DATASET_ID}`))
  record(@Param('id', new ParseUUIDPipe()) id: string): Promise<DatasetConsentResponse> {
    return this.records.publicRecord(id);
  }
}
