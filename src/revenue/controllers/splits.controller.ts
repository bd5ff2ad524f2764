import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import { SplitProofQuery } from '../dto/split-proof.query.js';
import { SplitProofResponse, SplitResponse } from '../dto/split.response.js';
import { SplitViewService } from '../services/split-view.service.js';

@ApiTags('revenue')
@Auth()
@Controller('v1')
export class SplitsController {
  constructor(private readonly splits: SplitViewService) {}

  @Get('orders/:id/split')
  @ApiOperation({ summary: "A sale's revenue split: every row for admins, your own rows for payees; the Merkle root and its transaction" })
  @ApiOkResponse({ type: SplitResponse })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No split, or none of its rows is yours' })
  forOrder(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() caller: AuthUser): Promise<SplitResponse> {
    return this.splits.forOrder(id, caller);
  }

  @Get('splits/:splitId/proof')
  @ApiOperation({ summary: "A contributor's leaf and Merkle proof in a split (the contributor themselves, or an admin)" })
  @ApiOkResponse({ type: SplitProofResponse })
  @ApiForbiddenResponse({ type: ErrorBody, description: "Another payee's proof" })
  @ApiNotFoundResponse({ type: ErrorBody })
  proof(
    @Param('splitId', new ParseUUIDPipe()) splitId: string,
    @Query() query: SplitProofQuery,
    @CurrentUser() caller: AuthUser,
  ): Promise<SplitProofResponse> {
    return this.splits.proof(splitId, query.contributor, caller);
  }
}
