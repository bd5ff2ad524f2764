import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { RevenueErrorCode, RevenueException } from '../revenue.exception.js';
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
  @ApiErrorResponse(
    'No split, or none of its rows is yours',
    new RevenueException(RevenueErrorCode.SPLIT_NOT_FOUND, 'No split for order 847b3022-058b-4ffa-8af2-845aacb2f649 that you may see'),
  )
  forOrder(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() caller: AuthUser): Promise<SplitResponse> {
    return this.splits.forOrder(id, caller);
  }

  @Get('splits/:splitId/proof')
  @ApiOperation({ summary: "A contributor's leaf and Merkle proof in a split (the contributor themselves, or an admin)" })
  @ApiOkResponse({ type: SplitProofResponse })
  @ApiErrorResponse("Another payee's proof", new RevenueException(RevenueErrorCode.NOT_A_PAYEE, 'You may read only your own proof'))
  @ApiErrorResponse(
    'No split, none of its rows is yours, or no row of that contributor',
    new RevenueException(RevenueErrorCode.SPLIT_NOT_FOUND, 'No split for split 8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968 that you may see'),
  )
  proof(
    @Param('splitId', new ParseUUIDPipe()) splitId: string,
    @Query() query: SplitProofQuery,
    @CurrentUser() caller: AuthUser,
  ): Promise<SplitProofResponse> {
    return this.splits.proof(splitId, query.contributor, caller);
  }
}
