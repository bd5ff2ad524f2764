import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import type { AuthUser } from '../auth-user.js';
import { ApiKeyService } from '../services/api-key.service.js';

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly apiKeys: ApiKeyService) {
    super();
  }

  async validate(request: Request): Promise<AuthUser | null> {
    const key = request.header('x-api-key');
    return key ? this.apiKeys.authenticate(key) : null;
  }
}
