import { Controller, Get, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorBody } from '../../common/errors/error-body.js';
import { ChainMemoResponse, MemoSignatureParams } from '../dto/chain-memo.dto.js';
import { ChainMemoService } from '../services/chain-memo.service.js';

@ApiTags('chain')
@Controller('v1/chain')
export class ChainMemosController {
  constructor(private readonly memos: ChainMemoService) {}

  @Get('memos/:signature')
  @ApiOperation({ summary: 'The memo of a successful transaction, read from the ledger (for verifiers of anchors and splits)' })
  @ApiOkResponse({ type: ChainMemoResponse })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Not a transaction signature' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No successful transaction with a memo under this signature' })
  read(@Param() params: MemoSignatureParams): Promise<ChainMemoResponse> {
    return this.memos.read(params.signature);
  }
}
