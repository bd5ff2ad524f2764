import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import type { AuthUser } from '../auth-user.js';
import { Role } from '../role.js';

export const ROLES_KEY = 'roles';

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles || roles.length === 0) return true;
    const user = context.switchToHttp().getRequest<Request & { user?: AuthUser }>().user;
    if (user && roles.includes(user.role)) return true;
    throw new AuthException(
      AuthErrorCode.FORBIDDEN_ROLE,
      `This route is for ${roles.join(' or ')} accounts; you are signed in as ${user?.role ?? 'nobody'}`,
    );
  }
}
