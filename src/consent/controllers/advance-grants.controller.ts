import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
import {
  AdvanceGrantMessageResponse,
  AdvanceGrantResponse,
  AdvanceGrantTermsDto,
  CreateAdvanceGrantDto,
  RevokeAdvanceGrantDto,
} from '../dto/advance-grant.dto.js';
import { AdvanceGrantService } from '../services/advance-grant.service.js';

@ApiTags('consent')
@Controller('v1/me/advance-grants')
export class AdvanceGrantsController {
  constructor(private readonly grants: AdvanceGrantService) {}

  @Get()
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOperation({ summary: 'Your advance consent grants (per network or per curator), newest first: live, expired or revoked' })
  @ApiOkResponse({ type: [AdvanceGrantResponse] })
  mine(@CurrentUser() user: AuthUser): Promise<Plain<AdvanceGrantResponse>[]> {
    return this.grants.mine(user);
  }

  @Post('message')
  @HttpCode(HttpStatus.OK)
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOperation({
    summary: 'The exact advance grant to give on your terms: its fields (issuedAt and nonce chosen now) and the message to sign',
    description:
      'Checked as POST /v1/me/advance-grants checks it; stores nothing. Sign walletMessage with your linked wallet and send the grant unchanged with method wallet, address and signature, or send it with method session.',
  })
  @ApiOkResponse({ type: AdvanceGrantMessageResponse })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Validation, CONSENT_INVALID_GRANT (e.g. expiresAt not after now, or too far)' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'CONSENT_UNKNOWN_LICENCE, CONSENT_UNKNOWN_TARGET, CONSENT_TOO_MANY_ADVANCE_GRANTS',
  })
  message(@CurrentUser() user: AuthUser, @Body() dto: AdvanceGrantTermsDto): Promise<Plain<AdvanceGrantMessageResponse>> {
    return this.grants.message(user, dto);
  }

  @Post()
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOperation({
    summary: 'Consent in advance for a network or a curator: signed by your linked wallet (Ed25519 over the message) or by your session',
    description:
      "Drafts that include your captures and fall within the grant (network of every capture or the curator, licence, uses, territory, minimum share and price, unexpired) count as granted when submitted: a per-dataset grant (method advance) naming this grant's hash is recorded in the dataset's custody log. The message is advanceGrantMessage in src/consent/advance-grant.ts.",
  })
  @ApiCreatedResponse({ type: AdvanceGrantResponse })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Validation, CONSENT_INVALID_GRANT' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description:
      'CONSENT_OTHER_WALLET, CONSENT_BAD_SIGNATURE, CONSENT_NO_WALLET, CONSENT_EXPIRED, CONSENT_UNKNOWN_LICENCE, CONSENT_UNKNOWN_TARGET, CONSENT_TOO_MANY_ADVANCE_GRANTS',
  })
  @ApiConflictResponse({ type: ErrorBody, description: 'CONSENT_ALREADY_RECORDED' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateAdvanceGrantDto): Promise<Plain<AdvanceGrantResponse>> {
    return this.grants.create(user, dto);
  }

  @Post(':id/revoke')
  @HttpCode(HttpStatus.OK)
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOperation({
    summary: 'Revoke an advance grant: drafts not yet cleared stop counting on it; datasets it cleared keep their grant',
    description: 'Recorded append-only as a revocation (its hash in revocationHash). Withdraw from cleared datasets one by one.',
  })
  @ApiOkResponse({ type: AdvanceGrantResponse })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CONSENT_ADVANCE_GRANT_NOT_FOUND: none of yours has this id' })
  @ApiConflictResponse({ type: ErrorBody, description: 'CONSENT_ADVANCE_GRANT_REVOKED: revoked already' })
  revoke(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RevokeAdvanceGrantDto,
  ): Promise<Plain<AdvanceGrantResponse>> {
    return this.grants.revoke(user, id, dto);
  }
}
