import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ErrorBody } from '../../common/errors/error-body.js';
import type { AuthUser } from '../auth-user.js';
import { Auth, CurrentUser } from '../decorators/auth.decorator.js';
import { ApiKeyCreatedResponse, ApiKeyResponse, CreateApiKeyDto } from '../dto/api-key.dto.js';
import { Role } from '../role.js';
import { ApiKeyService } from '../services/api-key.service.js';

@ApiTags('api-keys')
@Auth(Role.BUYER, Role.ADMIN)
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeyService) {}

  @Post()
  @ApiOperation({ summary: 'Creates an API key (the key is shown in this answer only); send it as X-API-Key' })
  @ApiCreatedResponse({ type: ApiKeyCreatedResponse })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateApiKeyDto): Promise<ApiKeyCreatedResponse> {
    return this.apiKeys.create(user, dto.name);
  }

  @Get()
  @ApiOperation({ summary: 'Your API keys, live and revoked (never the keys themselves)' })
  @ApiOkResponse({ type: [ApiKeyResponse] })
  list(@CurrentUser() user: AuthUser): Promise<ApiKeyResponse[]> {
    return this.apiKeys.list(user);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revokes one of your API keys at once' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse({ type: ErrorBody })
  revoke(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.apiKeys.revoke(user, id);
  }
}
