import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ErrorBody } from '../common/errors/error-body.js';
import { AuthRateLimitGuard } from './rate-limit.guard.js';

/** The route counts against the caller's sign-in attempt budget (AUTH_RATE_LIMIT per AUTH_RATE_WINDOW_SECONDS). */
export function SignInRateLimited() {
  return applyDecorators(
    UseGuards(AuthRateLimitGuard),
    ApiTooManyRequestsResponse({ type: ErrorBody, description: 'Too many attempts from this address; see Retry-After' }),
  );
}
