import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthUser } from '../auth-user.js';
import { AuthService } from '../services/auth.service.js';
import type { AccessTokenClaims } from '../services/token.service.js';
import { JWT_SECRET } from '../tokens.js';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly auth: AuthService,
    @Inject(JWT_SECRET) secret: KeyObject,
  ) {
    // passport-jwt hands secretOrKey to jsonwebtoken's verify as it is, which takes a KeyObject (see jwtSigningKey);
    // passport-jwt's types name only a string or a Buffer.
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: secret as unknown as Buffer, algorithms: ['HS256'] });
  }

  /** The account is read on every request, so a deleted account or a changed role takes effect at once. */
  validate(claims: AccessTokenClaims): Promise<AuthUser | null> {
    return this.auth.principalFor(claims.sub, 'jwt');
  }
}
