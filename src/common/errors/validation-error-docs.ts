import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject, ResponseObject } from '@nestjs/swagger';
import { CommonErrorCode } from './common.exception.js';
import { errorBody } from './error-body.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
/** Path parameters the routes parse with ParseUUIDPipe: `id` and `<thing>Id`. */
const UUID_PARAMETER = /^(id|[a-z]+Id)$/;

const isParameter = (parameter: ParameterObject | ReferenceObject): parameter is ParameterObject => 'in' in parameter;

/** The 400 a route answers for input the global validation pipe refuses, worded as the route would word it. */
function validationExample(operation: OperationObject) {
  const parameters = (operation.parameters ?? []).filter(isParameter);
  const uuid = parameters.some((parameter) => parameter.in === 'path' && UUID_PARAMETER.test(parameter.name));
  const message = uuid ? 'Validation failed (uuid is expected)' : 'property color should not exist';
  return { summary: CommonErrorCode.VALIDATION_FAILED, value: errorBody(400, CommonErrorCode.VALIDATION_FAILED, message) };
}

/**
 * Every route that takes a path or query parameter or a JSON body can answer 400 VALIDATION_FAILED: the global validation
 * pipe checks each of them (DTO rules, unknown properties, NUL characters) and the parse pipes refuse a malformed uuid
 * or number. Adds that answer, with an example, to each such route: as its 400 where it documents none, or beside the
 * route's own 400 codes.
 */
export function documentValidationErrors(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const takesInput = (operation.parameters ?? []).filter(isParameter).some((parameter) => parameter.in === 'path' || parameter.in === 'query');
      if (!takesInput && !operation.requestBody) continue;
      const documented = operation.responses['400'] as ResponseObject | undefined;
      const media = documented?.content?.['application/json'];
      if (media) {
        const examples = (media.examples ??= {});
        const values = Object.values(examples).map((example) => ('value' in example ? (example.value as { code?: unknown }) : {}));
        if (!values.some((value) => value.code === CommonErrorCode.VALIDATION_FAILED))
          examples[CommonErrorCode.VALIDATION_FAILED] = validationExample(operation);
        continue;
      }
      operation.responses = Object.fromEntries(
        Object.entries({
          ...operation.responses,
          '400': {
            description: 'Invalid input: a value the route does not take, a malformed id, or a property it does not know',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/ErrorBody' },
                examples: { [CommonErrorCode.VALIDATION_FAILED]: validationExample(operation) },
              },
            },
          },
        }).sort(([a], [b]) => a.localeCompare(b)),
      );
    }
  }
  return document;
}
