import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum AuthErrorCode {
  EMAIL_TAKEN = 'AUTH_EMAIL_TAKEN',
  INVALID_CREDENTIALS = 'AUTH_INVALID_CREDENTIALS',
  UNAUTHENTICATED = 'AUTH_UNAUTHENTICATED',
  FORBIDDEN_ROLE = 'AUTH_FORBIDDEN_ROLE',
  INVALID_WALLET_ADDRESS = 'AUTH_INVALID_WALLET_ADDRESS',
  INVALID_WALLET_SIGNATURE = 'AUTH_INVALID_WALLET_SIGNATURE',
  CHALLENGE_INVALID = 'AUTH_CHALLENGE_INVALID',
  CHALLENGE_EXPIRED = 'AUTH_CHALLENGE_EXPIRED',
  CHALLENGE_USED = 'AUTH_CHALLENGE_USED',
  API_KEY_NOT_FOUND = 'AUTH_API_KEY_NOT_FOUND',
}

const STATUS: Record<AuthErrorCode, HttpStatus> = {
  [AuthErrorCode.EMAIL_TAKEN]: HttpStatus.CONFLICT,
  [AuthErrorCode.INVALID_CREDENTIALS]: HttpStatus.UNAUTHORIZED,
  [AuthErrorCode.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [AuthErrorCode.FORBIDDEN_ROLE]: HttpStatus.FORBIDDEN,
  [AuthErrorCode.INVALID_WALLET_ADDRESS]: HttpStatus.BAD_REQUEST,
  [AuthErrorCode.INVALID_WALLET_SIGNATURE]: HttpStatus.UNAUTHORIZED,
  [AuthErrorCode.CHALLENGE_INVALID]: HttpStatus.UNAUTHORIZED,
  [AuthErrorCode.CHALLENGE_EXPIRED]: HttpStatus.UNAUTHORIZED,
  [AuthErrorCode.CHALLENGE_USED]: HttpStatus.UNAUTHORIZED,
  [AuthErrorCode.API_KEY_NOT_FOUND]: HttpStatus.NOT_FOUND,
};

export class AuthException extends DomainException<AuthErrorCode> {
  constructor(code: AuthErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
