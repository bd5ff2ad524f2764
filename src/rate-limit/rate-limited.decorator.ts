import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiErrorResponse } from '../common/errors/api-error-response.decorator.js';
import { AuthRateLimitGuard, RateLimitException } from './rate-limit.guard.js';

/** The route counts against the caller's sign-in attempt budget (AUTH_RATE_LIMIT per AUTH_RATE_WINDOW_SECONDS). */
export function SignInRateLimited() {
  return applyDecorators(
    UseGuards(AuthRateLimitGuard),
    ApiErrorResponse('Too many attempts from this address; see Retry-After', new RateLimitException(42)),
  );
}
