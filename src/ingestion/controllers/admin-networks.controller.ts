import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Auth } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { CreateNetworkDto, NetworkResponse, UpdateNetworkDto } from '../dto/network.dto.js';
import { IngestionErrorCode, IngestionException } from '../ingestion.exception.js';
import { NetworkRegistryService } from '../networks/network-registry.service.js';

const invalidKey = new IngestionException(IngestionErrorCode.INVALID_PUBLIC_KEY, 'publicKey must be a base58 Ed25519 public key (32 bytes)');

@ApiTags('admin')
@Auth(Role.ADMIN)
@Controller('v1/admin/networks')
export class AdminNetworksController {
  constructor(private readonly registry: NetworkRegistryService) {}

  @Post()
  @ApiOperation({ summary: 'Registers a network connector with its signing key (admins)' })
  @ApiCreatedResponse({ type: NetworkResponse })
  @ApiErrorResponse(
    "Not an Ed25519 public key, or a staging prefix over the marketplace's own objects",
    invalidKey,
    new IngestionException(
      IngestionErrorCode.STAGING_PREFIX_RESERVED,
      'stagingPrefix may not overlap captures/, where the marketplace keeps its own objects',
    ),
  )
  @ApiErrorResponse('The slug is taken', new IngestionException(IngestionErrorCode.NETWORK_EXISTS, 'Network dimo already exists'))
  create(@Body() dto: CreateNetworkDto): Promise<NetworkResponse> {
    return this.registry.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'The registered networks (admins)' })
  @ApiOkResponse({ type: [NetworkResponse] })
  list(): Promise<NetworkResponse[]> {
    return this.registry.list();
  }

  @Patch(':slug')
  @ApiOperation({ summary: 'Renames a network, rotates its signing key, or turns it on or off (admins)' })
  @ApiOkResponse({ type: NetworkResponse })
  @ApiErrorResponse('Not an Ed25519 public key', invalidKey)
  @ApiErrorResponse('No such network', new IngestionException(IngestionErrorCode.NETWORK_NOT_FOUND, 'No network dimo'))
  update(@Param('slug') slug: string, @Body() dto: UpdateNetworkDto): Promise<NetworkResponse> {
    return this.registry.update(slug, dto);
  }
}
