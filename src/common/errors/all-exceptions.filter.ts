import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { renderErrorPage } from '../../web/page-layout.js';
import { CommonErrorCode } from './common.exception.js';
import { DomainException } from './domain.exception.js';
import { ErrorBody, errorBody } from './error-body.js';

const CODE_BY_STATUS: Partial<Record<number, CommonErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: CommonErrorCode.VALIDATION_FAILED,
  [HttpStatus.UNAUTHORIZED]: CommonErrorCode.UNAUTHENTICATED,
  [HttpStatus.FORBIDDEN]: CommonErrorCode.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: CommonErrorCode.NOT_FOUND,
  [HttpStatus.PAYLOAD_TOO_LARGE]: CommonErrorCode.PAYLOAD_TOO_LARGE,
  [HttpStatus.TOO_MANY_REQUESTS]: CommonErrorCode.RATE_LIMITED,
};

/** body-parser's errors, which Nest's Express adapter wraps as the `cause` of an HttpException. */
function isBodyParserError(cause: unknown): cause is { type: string; limit?: number } {
  return typeof cause === 'object' && cause !== null && typeof (cause as { type?: unknown }).type === 'string';
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * A browser opening a page address (a GET outside the API that prefers HTML, as a navigation's Accept header does) gets
 * the error as a page; API clients, and every /v1 route, get JSON.
 */
function wantsPage(request: Request): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (request.path.startsWith('/v1/') || request.path === '/health' || request.path.startsWith('/docs')) return false;
  return request.accepts(['json', 'html']) === 'html';
}

/**
 * Maps every error to `{ statusCode, error, code, message }` (or, for a browser asking for a page, that in the site's
 * layout); unexpected errors are logged, never leaked.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (exception instanceof DomainException && exception.retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    if (body.statusCode >= 500) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (wantsPage(host.switchToHttp().getRequest<Request>())) {
      response.status(body.statusCode).type('html').setHeader('Cache-Control', 'no-store');
      response.send(renderErrorPage(body));
      return;
    }
    // Explicitly: a page route's @Header('Content-Type', text/html) is already set when its pipe refuses the request.
    response.status(body.statusCode).type('application/json').json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainException) {
      // instanceof on the generic class gives DomainException<any>
      const { status, code, message, details } = exception as DomainException;
      return errorBody(status, code, message, details);
    }
    if (exception instanceof HttpException && isBodyParserError(exception.cause)) {
      return exception.cause.type === 'entity.too.large'
        ? errorBody(413, CommonErrorCode.PAYLOAD_TOO_LARGE, `Request body is larger than the limit of ${exception.cause.limit} bytes`)
        : errorBody(exception.getStatus(), CommonErrorCode.MALFORMED_BODY, `Request body could not be read: ${exception.message}`);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? CommonErrorCode.INTERNAL : `HTTP_${status}`);
      return errorBody(status, code, httpExceptionMessage(exception));
    }
    return errorBody(HttpStatus.INTERNAL_SERVER_ERROR, CommonErrorCode.INTERNAL, 'Internal server error');
  }
}
