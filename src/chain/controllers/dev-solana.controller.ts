import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { ChainErrorCode, ChainException } from '../chain.exception.js';
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
  @ApiErrorResponse(
    'Not a payable Solana Pay transfer request',
    new ChainException(
      ChainErrorCode.INVALID_PAYMENT_REQUEST,
      'not payable: account 9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM does not exist (the recipient has no token account for this mint)',
    ),
  )
  @ApiErrorResponse(
    'A real cluster is configured (SOLANA_RPC_URL): there is no demo wallet',
    new ChainException(
      ChainErrorCode.DEV_WALLET_UNAVAILABLE,
      'The demo wallet exists only on the embedded ledger; this service uses devnet (SOLANA_RPC_URL), so pay with a real wallet',
    ),
  )
  pay(@Body() dto: DevPaymentDto): Promise<DevPaymentResponse> {
    return this.wallet.pay(dto.url);
  }
}
