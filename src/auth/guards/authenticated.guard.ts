import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import type { AuthUser } from '../auth-user.js';

/** Accepts a Bearer JWT or an X-API-Key; anything else is a 401 in the API's error shape. */
@Injectable()
export class AuthenticatedGuard extends AuthGuard(['jwt', 'api-key']) {
  override handleRequest<T = AuthUser>(error: unknown, user: T | false | null): T {
    // Passport hands over what a strategy threw (always an Error here); no user is answered below.
    if (error instanceof Error) throw error;
    if (!user) {
      throw new AuthException(
        AuthErrorCode.UNAUTHENTICATED,
        'Missing, invalid or expired credentials: send Authorization: Bearer <token> or X-API-Key: <key>',
      );
    }
    return user;
  }
}
