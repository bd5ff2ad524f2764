import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** A `limit` query parameter: an integer from 1 to `max`; the property's initialiser is the default. */
export function PageLimit(max: number, defaultValue: number, description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: max, default: defaultValue, description }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );
}

/** A `cursor` query parameter: the opaque `nextCursor` of the previous page. */
export function PageCursor(maxLength = 200): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ description: 'nextCursor of the previous page' }), IsOptional(), IsString(), MaxLength(maxLength));
}
