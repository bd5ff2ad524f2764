import { Body, Controller, Headers, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse, ApiOperation } from '@nestjs/swagger';
import { ErrorBody } from '../../common/errors/error-body.js';
import { RawBody } from '../../common/raw-body.decorator.js';
import { NetworkBatchDto, NetworkBatchResponse } from '../dto/network.dto.js';
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
  @ApiUnauthorizedResponse({ type: ErrorBody, description: 'Missing or wrong signature; nothing stored' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'Unknown or inactive network' })
  receive(
    @Param('network') network: string,
    @RawBody() rawBody: Buffer | undefined,
    @Headers('x-network-signature') signature: string | undefined,
    @Body() batch: NetworkBatchDto,
  ): Promise<NetworkBatchResponse> {
    return this.batches.receive(network, rawBody, signature, batch);
  }
}
