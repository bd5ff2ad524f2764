import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import type { AuthUser } from '../auth-user.js';

/**
 * For public routes that show more to some callers: no credentials -> anonymous (user null); credentials that do
 * not check out -> 401, so a client with an expired token learns it instead of silently seeing the public view.
 */
@Injectable()
export class OptionalAuthGuard extends AuthGuard(['jwt', 'api-key']) {
  override handleRequest<T = AuthUser>(error: unknown, user: T | false | null, _info: unknown, context: ExecutionContext): T {
    // Passport hands over what a strategy threw (always an Error here); no user is answered below.
    if (error instanceof Error) throw error;
    if (user) return user;
    const request = context.switchToHttp().getRequest<Request>();
    if (request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined) {
      throw new AuthException(AuthErrorCode.UNAUTHENTICATED, 'Invalid or expired credentials: send valid ones, or none for the public view');
    }
    return null as T;
  }
}
