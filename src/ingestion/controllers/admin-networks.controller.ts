import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Auth } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import { CreateNetworkDto, NetworkResponse, UpdateNetworkDto } from '../dto/network.dto.js';
import { NetworkRegistryService } from '../networks/network-registry.service.js';

@ApiTags('admin')
@Auth(Role.ADMIN)
@Controller('v1/admin/networks')
export class AdminNetworksController {
  constructor(private readonly registry: NetworkRegistryService) {}

  @Post()
  @ApiOperation({ summary: 'Registers a network connector with its signing key (admins)' })
  @ApiCreatedResponse({ type: NetworkResponse })
  @ApiConflictResponse({ type: ErrorBody })
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
  update(@Param('slug') slug: string, @Body() dto: UpdateNetworkDto): Promise<NetworkResponse> {
    return this.registry.update(slug, dto);
  }
}
