// The enum's own module, not the package index: this module reaches the verification and preview threads (through the
// storage adapters), which then start without loading NestJS (about 0.1-0.2 CPU s a thread).
import { HttpStatus } from '@nestjs/common/enums/http-status.enum.js';

/**
 * Base of every module's typed exception: a stable machine-readable code, a human message and the HTTP status
 * the global filter answers with. Each module subclasses it with its own code enum and status table. `details`, when
 * given, is added to the error body as it is (e.g. the state of each part a readiness check looked at);
 * `retryAfterSeconds`, when given, is sent as the Retry-After header (an upstream that does not answer: come back later).
 */
export abstract class DomainException<Code extends string = string> extends Error {
  protected constructor(
    readonly code: Code,
    message: string,
    readonly status: HttpStatus,
    readonly details?: Record<string, unknown>,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
