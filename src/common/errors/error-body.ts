import { HttpStatus } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error shape of the API. */
export class ErrorBody {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'VALIDATION_FAILED' })
  code: string;

  @ApiProperty({ example: 'email must be an email' })
  message: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'More about the error, where a route documents it' })
  details?: Record<string, unknown>;
}

export function errorBody(statusCode: number, code: string, message: string, details?: Record<string, unknown>): ErrorBody {
  const body = new ErrorBody();
  body.statusCode = statusCode;
  body.error = statusText(statusCode);
  body.code = code;
  body.message = message;
  if (details !== undefined) body.details = details;
  return body;
}

function statusText(status: number): string {
  const name = HttpStatus[status];
  if (!name) return 'Error';
  return name
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join(' ');
}
