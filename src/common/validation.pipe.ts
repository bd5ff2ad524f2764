import { type ArgumentMetadata, type ValidationError, ValidationPipe } from '@nestjs/common';
import { CommonErrorCode, CommonException } from './errors/common.exception.js';
import { unsafeTextException, unsafeTextPath } from './input-limits.js';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) =>
      // class-validator words messages with the bare property name; name the full path for nested fields
      parent && text.startsWith(error.property) ? `${path}${text.slice(error.property.length)}` : text,
    );
    return own.concat(flatten(error.children ?? [], path));
  });
}

/**
 * Validates every body, query and path parameter. Before any DTO rule, every string in them (and every property
 * name) is checked for NUL characters and lone surrogates, which no free-text field may hold, whatever its DTO.
 */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const path = unsafeTextPath(value, metadata.data ?? '');
      if (path !== null) throw unsafeTextException(path);
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/** Unknown properties are refused, values are converted to their types. */
export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => new CommonException(CommonErrorCode.VALIDATION_FAILED, flatten(errors).join('; ')),
  });
}
