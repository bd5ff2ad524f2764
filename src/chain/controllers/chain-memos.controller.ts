import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { ChainErrorCode, ChainException } from '../chain.exception.js';
import { ChainMemoResponse, MemoSignatureParams } from '../dto/chain-memo.dto.js';
import { ChainMemoService } from '../services/chain-memo.service.js';

@ApiTags('chain')
@Controller('v1/chain')
export class ChainMemosController {
  constructor(private readonly memos: ChainMemoService) {}

  @Get('memos/:signature')
  @ApiOperation({ summary: 'The memo of a successful transaction, read from the ledger (for verifiers of anchors and splits)' })
  @ApiOkResponse({ type: ChainMemoResponse })
  @ApiErrorResponse('Not a transaction signature', new ChainException(ChainErrorCode.INVALID_ARGUMENT, 'signature must be 64 bytes in base58'))
  @ApiErrorResponse(
    'No successful transaction with a memo under this signature',
    new ChainException(
      ChainErrorCode.MEMO_NOT_FOUND,
      'litesvm has no successful transaction with a memo under 5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW',
    ),
  )
  @ApiErrorResponse(
    'The ledger did not answer; see Retry-After',
    new ChainException(ChainErrorCode.LEDGER_UNAVAILABLE, 'the ledger (mainnet-beta) did not answer: fetch failed'),
  )
  read(@Param() params: MemoSignatureParams): Promise<ChainMemoResponse> {
    return this.memos.read(params.signature);
  }
}
