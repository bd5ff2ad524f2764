import { Body, Controller, Headers, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { RawBody } from '../../common/raw-body.decorator.js';
import { NetworkBatchDto, NetworkBatchResponse } from '../dto/network.dto.js';
import { IngestionErrorCode, IngestionException } from '../ingestion.exception.js';
import { NetworkBatchService } from '../networks/network-batch.service.js';

@ApiTags('networks')
@Controller('v1/networks')
export class NetworkBatchesController {
  constructor(private readonly batches: NetworkBatchService) {}

  @Post(':network/batches')
  @ApiOperation({ summary: 'A network pushes a signed batch of captures (DIMO, Bee Maps, Geodnet, ROVR, ...)' })
  @HttpCode(HttpStatus.OK)
  @ApiHeader({ name: 'X-Network-Signature', required: true, description: 'Ed25519 signature (base58) of the exact request body by the network key' })
  @ApiOkResponse({ type: NetworkBatchResponse })
  @ApiErrorResponse(
    'Missing or wrong signature; nothing stored',
    new IngestionException(
      IngestionErrorCode.NETWORK_SIGNATURE_INVALID,
      'X-Network-Signature must be the Ed25519 signature (base58) of the exact request body by the dimo network key',
    ),
  )
  @ApiErrorResponse('Unknown or inactive network', new IngestionException(IngestionErrorCode.NETWORK_NOT_FOUND, 'No active network dimo'))
  receive(
    @Param('network') network: string,
    @RawBody() rawBody: Buffer | undefined,
    @Headers('x-network-signature') signature: string | undefined,
    @Body() batch: NetworkBatchDto,
  ): Promise<NetworkBatchResponse> {
    return this.batches.receive(network, rawBody, signature, batch);
  }
}
