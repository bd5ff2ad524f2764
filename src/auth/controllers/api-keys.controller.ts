import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
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
  @ApiErrorResponse(
    'No such key among yours',
    new AuthException(AuthErrorCode.API_KEY_NOT_FOUND, 'No API key 0c6f2a8e-4a3b-4f51-9d7e-2b8c1e5a7f90 among yours'),
  )
  revoke(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.apiKeys.revoke(user, id);
  }
}
