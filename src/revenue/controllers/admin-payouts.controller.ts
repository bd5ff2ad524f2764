import { Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { PayoutRunResponse } from '../dto/payout-run.response.js';
import { PayoutService } from '../services/payout.service.js';

@ApiTags('revenue')
@Auth(Role.ADMIN)
@Controller('v1/admin/payouts')
export class AdminPayoutsController {
  constructor(private readonly payouts: PayoutService) {}

  @Post('run')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Pays every payee whose balance reaches the threshold, now (the schedule does the same)' })
  @ApiOkResponse({ type: PayoutRunResponse })
  run(): Promise<PayoutRunResponse> {
    return this.payouts.runNow();
  }
}
