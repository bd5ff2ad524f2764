import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum LicensingErrorCode {
  TEMPLATE_EXISTS = 'LICENCE_TEMPLATE_EXISTS',
  TEMPLATE_NOT_FOUND = 'LICENCE_TEMPLATE_NOT_FOUND',
  TERMS_WIDEN_TEMPLATE = 'LICENCE_TERMS_WIDEN_TEMPLATE',
}

const STATUS: Record<LicensingErrorCode, HttpStatus> = {
  [LicensingErrorCode.TEMPLATE_EXISTS]: HttpStatus.CONFLICT,
  [LicensingErrorCode.TEMPLATE_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [LicensingErrorCode.TERMS_WIDEN_TEMPLATE]: HttpStatus.BAD_REQUEST,
};

export class LicensingException extends DomainException<LicensingErrorCode> {
  constructor(code: LicensingErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
