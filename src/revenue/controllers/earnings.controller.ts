import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { RevenueErrorCode, RevenueException } from '../revenue.exception.js';
import { PayoutMethodRequest, PayoutMethodResponse } from '../dto/payout-method.dto.js';
import { EarningResponse } from '../dto/split.response.js';
import { PayoutMethodService } from '../services/payout-method.service.js';
import { SplitViewService } from '../services/split-view.service.js';

@ApiTags('revenue')
@Auth()
@Controller('v1/me')
export class EarningsController {
  constructor(
    private readonly splits: SplitViewService,
    private readonly methods: PayoutMethodService,
  ) {}

  @Get('earnings')
  @ApiOperation({ summary: 'Every sale you earned from, with the amount, your leaf and its Merkle proof' })
  @ApiOkResponse({ type: [EarningResponse] })
  earnings(@CurrentUser() caller: AuthUser): Promise<EarningResponse[]> {
    return this.splits.earnings(caller);
  }

  @Put('payout-method')
  @ApiOperation({ summary: 'How you are paid: USDC to a Solana wallet, or Stripe Connect' })
  @ApiOkResponse({ type: PayoutMethodResponse })
  @ApiErrorResponse(
    'USDC without a wallet (none given, and you did not sign in with one)',
    new RevenueException(RevenueErrorCode.INVALID_PAYOUT_METHOD, 'kind usdc needs a wallet: give one, or sign in with a wallet'),
  )
  payoutMethod(@CurrentUser() caller: AuthUser, @Body() body: PayoutMethodRequest): Promise<PayoutMethodResponse> {
    return this.methods.set(caller, body);
  }
}
