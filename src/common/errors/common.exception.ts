import { HttpStatus } from '@nestjs/common';
import { DomainException } from './domain.exception.js';

export enum CommonErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  MALFORMED_BODY = 'MALFORMED_BODY',
  BODY_TOO_DEEP = 'BODY_TOO_DEEP',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  NOT_FOUND = 'NOT_FOUND',
  RATE_LIMITED = 'RATE_LIMITED',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  INTERNAL = 'INTERNAL',
}

const STATUS: Record<CommonErrorCode, HttpStatus> = {
  [CommonErrorCode.VALIDATION_FAILED]: HttpStatus.BAD_REQUEST,
  [CommonErrorCode.MALFORMED_BODY]: HttpStatus.BAD_REQUEST,
  [CommonErrorCode.BODY_TOO_DEEP]: HttpStatus.BAD_REQUEST,
  [CommonErrorCode.PAYLOAD_TOO_LARGE]: HttpStatus.PAYLOAD_TOO_LARGE,
  [CommonErrorCode.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [CommonErrorCode.RATE_LIMITED]: HttpStatus.TOO_MANY_REQUESTS,
  [CommonErrorCode.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [CommonErrorCode.FORBIDDEN]: HttpStatus.FORBIDDEN,
  [CommonErrorCode.INTERNAL]: HttpStatus.INTERNAL_SERVER_ERROR,
};

export class CommonException extends DomainException<CommonErrorCode> {
  constructor(code: CommonErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
