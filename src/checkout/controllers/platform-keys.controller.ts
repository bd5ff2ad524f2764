import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { PlatformKeysResponse } from '../dto/fulfilment.response.js';
import { PlatformSigner } from '../licence-certificate.js';
import type { Plain } from '../../common/plain.js';

@ApiTags('orders')
@Controller('v1/platform/keys')
export class PlatformKeysController {
  constructor(private readonly signer: PlatformSigner) {}

  @Get()
  @ApiOperation({ summary: 'The public key licence certificates are signed with (Ed25519, base58)' })
  @ApiOkResponse({ type: PlatformKeysResponse, description: 'The public key licence certificates are signed with' })
  keys(): Plain<PlatformKeysResponse> {
    return { publicKey: this.signer.publicKey, algorithm: 'Ed25519', encoding: 'base58' };
  }
}
