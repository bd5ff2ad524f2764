import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { ErrorBody } from '../../common/errors/error-body.js';
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
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'Not signed in' }),
    ...(roles.length ? [ApiForbiddenResponse({ type: ErrorBody, description: `Needs role ${roles.join(' or ')}` })] : []),
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
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'Credentials were sent and are invalid' }),
  );
}

/** The caller on an `OptionalAuth` route, or null when anonymous. */
export const OptionalUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser | null =>
    context.switchToHttp().getRequest<Request & { user?: AuthUser | null }>().user ?? null,
);
