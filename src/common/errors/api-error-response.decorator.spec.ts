import { ApiErrorResponse } from './api-error-response.decorator.js';
import { CommonErrorCode, CommonException } from './common.exception.js';

/** Where @nestjs/swagger keeps a handler's documented responses (DECORATORS.API_RESPONSE, not exported). */
const API_RESPONSE = 'swagger/apiResponse';

interface Documented {
  description: string;
  examples: Record<string, { summary: string; value: { statusCode: number; error: string; code: string; message: string } }>;
}

function documented(decorate: MethodDecorator & ClassDecorator): Record<string, Documented> {
  class Target {
    route(): void {
      // the decorated handler
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(Target.prototype, 'route') as PropertyDescriptor;
  decorate(Target.prototype, 'route', descriptor);
  return Reflect.getMetadata(API_RESPONSE, descriptor.value as object) as Record<string, Documented>;
}

describe('ApiErrorResponse', () => {
  it('documents the status of the exceptions with one example body per code, as the API answers them', () => {
    const responses = documented(
      ApiErrorResponse(
        'No such thing',
        new CommonException(CommonErrorCode.NOT_FOUND, 'No thing 7'),
        new CommonException(CommonErrorCode.NOT_FOUND, 'No thing 8'),
      ),
    );
    expect(Object.keys(responses)).toEqual(['404']);
    expect(responses['404'].description).toBe('No such thing');
    expect(responses['404'].examples).toEqual({
      NOT_FOUND: { summary: 'NOT_FOUND', value: { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'No thing 7' } },
      'NOT_FOUND (2)': { summary: 'NOT_FOUND', value: { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'No thing 8' } },
    });
  });

  it('refuses exceptions of different statuses under one response', () => {
    expect(() =>
      ApiErrorResponse(
        'Mixed',
        new CommonException(CommonErrorCode.NOT_FOUND, 'No thing'),
        new CommonException(CommonErrorCode.FORBIDDEN, 'Not yours'),
      ),
    ).toThrow('ApiErrorResponse: FORBIDDEN answers 403, not 404 like NOT_FOUND');
  });
});
