import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ConsentErrorCode, ConsentException } from '../consent.exception.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import type { Plain } from '../../common/plain.js';
import {
  AdvanceGrantMessageResponse,
  AdvanceGrantResponse,
  AdvanceGrantTermsDto,
  CreateAdvanceGrantDto,
  RevokeAdvanceGrantDto,
} from '../dto/advance-grant.dto.js';
import { AdvanceGrantService } from '../services/advance-grant.service.js';

/** Terms an advance grant cannot have, as its routes answer them. */
const TERMS_REFUSED = [
  new ConsentException(ConsentErrorCode.UNKNOWN_LICENCE, 'Licence research-only-x is not a licence template here'),
  new ConsentException(ConsentErrorCode.UNKNOWN_TARGET, 'No network dimo-x is registered here'),
  new ConsentException(ConsentErrorCode.TOO_MANY_ADVANCE_GRANTS, 'You hold 100 live advance grants, the most there may be: revoke one first'),
] as const;

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
  @ApiErrorResponse(
    'Terms that are not a grant: expiresAt not after now, or more than five years ahead',
    new ConsentException(ConsentErrorCode.INVALID_GRANT, 'expiresAt must come after issuedAt'),
  )
  @ApiErrorResponse('Terms the marketplace cannot grant: an unknown licence, network or curator, or too many live grants', ...TERMS_REFUSED)
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
  @ApiErrorResponse(
    'Grant fields that are not a grant: a session grant with a signature, a wallet grant without one, times out of order',
    new ConsentException(ConsentErrorCode.INVALID_GRANT, 'expiresAt must come after issuedAt'),
  )
  @ApiErrorResponse(
    'A grant that does not hold: signed by another wallet or not at all validly, no linked wallet, expired, or terms the marketplace cannot grant',
    new ConsentException(ConsentErrorCode.OTHER_WALLET, 'The grant is signed by another wallet than the one linked to your account'),
    new ConsentException(ConsentErrorCode.BAD_SIGNATURE, 'The signature does not verify for this grant and signer'),
    new ConsentException(ConsentErrorCode.NO_WALLET, 'Link a wallet to your account to sign with it, or grant with your session'),
    new ConsentException(ConsentErrorCode.EXPIRED, 'This grant expired at 2026-12-01T00:00:00.000Z'),
    ...TERMS_REFUSED,
  )
  @ApiErrorResponse(
    'This very grant (its nonce) is recorded already',
    new ConsentException(ConsentErrorCode.ALREADY_RECORDED, 'This grant is recorded already'),
  )
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
  @ApiErrorResponse(
    'None of your advance grants has this id',
    new ConsentException(ConsentErrorCode.ADVANCE_GRANT_NOT_FOUND, 'No advance grant 3f9c2b7e-8d41-4a6f-b0e2-5c7d9a1e4b36 among yours'),
  )
  @ApiErrorResponse('Revoked already', new ConsentException(ConsentErrorCode.ADVANCE_GRANT_REVOKED, 'This advance grant is revoked already'))
  revoke(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RevokeAdvanceGrantDto,
  ): Promise<Plain<AdvanceGrantResponse>> {
    return this.grants.revoke(user, id, dto);
  }
}
