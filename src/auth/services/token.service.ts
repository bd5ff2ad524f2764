import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../config/app-config.js';
import type { UserEntity } from '../entities/user.entity.js';
import { Role } from '../role.js';

export interface AccessTokenClaims {
  sub: string;
  role: Role;
}

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  issue(user: UserEntity): { accessToken: string; expiresIn: number } {
    const claims: AccessTokenClaims = { sub: user.id, role: user.role };
    return { accessToken: this.jwt.sign(claims), expiresIn: this.config.JWT_TTL_SECONDS };
  }
}
