import { ApiResponse } from '@nestjs/swagger';
import type { DomainException } from './domain.exception.js';
import { ErrorBody, errorBody } from './error-body.js';

/**
 * Documents one error status of a route with the bodies it really answers: each example is made from the module's own
 * exception (its code, status and a message as the route words it), so /docs cannot show a status or code the route
 * does not send. All the exceptions given must share one status. Several of these on one route and status add up (their
 * examples and descriptions are merged by @nestjs/swagger).
 */
export function ApiErrorResponse(description: string, ...errors: [DomainException, ...DomainException[]]): MethodDecorator & ClassDecorator {
  const status = errors[0].status;
  const stray = errors.find((error) => error.status !== status);
  if (stray) throw new Error(`ApiErrorResponse: ${stray.code} answers ${stray.status}, not ${status} like ${errors[0].code}`);
  const examples = Object.fromEntries(
    errors.map((error, index) => [
      errors.findIndex((other) => other.code === error.code) === index ? error.code : `${error.code} (${index + 1})`,
      { summary: error.code, value: errorBody(error.status, error.code, error.message, error.details) },
    ]),
  );
  return ApiResponse({ status, type: ErrorBody, description, examples });
}
