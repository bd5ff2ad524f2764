import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum HealthErrorCode {
  DATABASE_DOWN = 'DATABASE_DOWN',
  NOT_READY = 'HEALTH_NOT_READY',
}

export class HealthException extends DomainException<HealthErrorCode> {
  constructor(code: HealthErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, HttpStatus.SERVICE_UNAVAILABLE, details);
  }
}
