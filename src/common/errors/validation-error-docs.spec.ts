import type { OpenAPIObject } from '@nestjs/swagger';
import { documentValidationErrors } from './validation-error-docs.js';

const ok = { '200': { description: 'OK' } };
const documentOf = (paths: OpenAPIObject['paths']): OpenAPIObject => ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths });
const codesOf = (response: unknown) =>
  Object.values(
    (response as { content: { 'application/json': { examples: Record<string, { value: { code: string; message: string } }> } } }).content[
      'application/json'
    ].examples,
  ).map((example) => [example.value.code, example.value.message]);

describe('documentValidationErrors', () => {
  it('documents 400 VALIDATION_FAILED on routes with a parameter or a body, beside their own 400 codes, and nowhere else', () => {
    const own = { statusCode: 400, error: 'Bad Request', code: 'DATASET_INVALID_AREA', message: 'bbox must be four numbers' };
    const document = documentValidationErrors(
      documentOf({
        '/things/{id}': {
          get: { parameters: [{ name: 'id', in: 'path', required: true }], responses: { ...ok, '404': { description: 'No such thing' } } },
        },
        '/things': {
          get: {
            parameters: [{ name: 'bbox', in: 'query' }],
            responses: {
              ...ok,
              '400': { description: 'Bad area', content: { 'application/json': { examples: { DATASET_INVALID_AREA: { value: own } } } } },
            },
          },
          post: { requestBody: { content: {} }, responses: ok },
        },
        '/health': { get: { parameters: [{ name: 'X-Trace', in: 'header' }], responses: ok } },
      }),
    );
    const byId = document.paths['/things/{id}'].get?.responses ?? {};
    expect(Object.keys(byId)).toEqual(['200', '400', '404']);
    expect(codesOf(byId['400'])).toEqual([['VALIDATION_FAILED', 'Validation failed (uuid is expected)']]);
    expect(codesOf(document.paths['/things'].get?.responses['400'])).toEqual([
      ['DATASET_INVALID_AREA', 'bbox must be four numbers'],
      ['VALIDATION_FAILED', 'property color should not exist'],
    ]);
    expect(codesOf(document.paths['/things'].post?.responses['400'])).toEqual([['VALIDATION_FAILED', 'property color should not exist']]);
    expect(Object.keys(document.paths['/health'].get?.responses ?? {})).toEqual(['200']);
  });
});
