import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import type { AuthUser } from '../auth-user.js';
import { AuthenticatedGuard } from '../guards/authenticated.guard.js';
import { OptionalAuthGuard } from '../guards/optional-auth.guard.js';
import { ROLES_KEY, RolesGuard } from '../guards/roles.guard.js';
import { Role } from '../role.js';

/** The route needs a signed-in caller (JWT or API key), and one of these roles when any are given. */
export function Auth(...roles: Role[]) {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    UseGuards(AuthenticatedGuard, RolesGuard),
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    ApiErrorResponse(
      'Not signed in',
      new AuthException(
        AuthErrorCode.UNAUTHENTICATED,
        'Missing, invalid or expired credentials: send Authorization: Bearer <token> or X-API-Key: <key>',
      ),
    ),
    ...(roles.length
      ? [
          ApiErrorResponse(
            `Needs role ${roles.join(' or ')}`,
            new AuthException(
              AuthErrorCode.FORBIDDEN_ROLE,
              `This route is for ${roles.join(' or ')} accounts; you are signed in as ${Object.values(Role).find((role) => !roles.includes(role)) ?? 'nobody'}`,
            ),
          ),
        ]
      : []),
  );
}

/** The caller attached by the Auth guards. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser => context.switchToHttp().getRequest<Request & { user: AuthUser }>().user,
);

/** A public route that shows more to signed-in callers (owners, admins); read the caller with `OptionalUser`. */
export function OptionalAuth() {
  return applyDecorators(
    UseGuards(OptionalAuthGuard),
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    ApiErrorResponse(
      'Credentials were sent and are invalid',
      new AuthException(AuthErrorCode.UNAUTHENTICATED, 'Invalid or expired credentials: send valid ones, or none for the public view'),
    ),
  );
}

/** The caller on an `OptionalAuth` route, or null when anonymous. */
export const OptionalUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser | null =>
    context.switchToHttp().getRequest<Request & { user?: AuthUser | null }>().user ?? null,
);
