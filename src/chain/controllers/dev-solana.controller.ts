import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorBody } from '../../common/errors/error-body.js';
import { DevPaymentDto, DevPaymentResponse } from '../dto/dev-payment.dto.js';
import { DevWalletService } from '../services/dev-wallet.service.js';

@ApiTags('dev')
@Controller('v1/dev/solana')
export class DevSolanaController {
  constructor(private readonly wallet: DevWalletService) {}

  @Post('pay')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Pays a Solana Pay transfer request from the embedded ledger’s funded demo buyer wallet (dev only)' })
  @ApiOkResponse({ type: DevPaymentResponse })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Not a payable Solana Pay transfer request' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'A real cluster is configured (SOLANA_RPC_URL): there is no demo wallet' })
  pay(@Body() dto: DevPaymentDto): Promise<DevPaymentResponse> {
    return this.wallet.pay(dto.url);
  }
}
