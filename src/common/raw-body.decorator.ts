import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** The request body's exact bytes (kept by `rawBody: true`), for signatures computed over them. */
export const RawBody = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Buffer | undefined => context.switchToHttp().getRequest<Request & { rawBody?: Buffer }>().rawBody,
);
