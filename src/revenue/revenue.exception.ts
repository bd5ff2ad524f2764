import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum RevenueErrorCode {
  SPLIT_NOT_FOUND = 'REVENUE_SPLIT_NOT_FOUND',
  NOT_A_PAYEE = 'REVENUE_NOT_A_PAYEE',
  SALE_NOT_SPLITTABLE = 'REVENUE_SALE_NOT_SPLITTABLE',
  SALE_MISMATCH = 'REVENUE_SALE_MISMATCH',
  INVALID_PAYOUT_METHOD = 'REVENUE_INVALID_PAYOUT_METHOD',
}

const STATUS: Record<RevenueErrorCode, HttpStatus> = {
  [RevenueErrorCode.SPLIT_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [RevenueErrorCode.NOT_A_PAYEE]: HttpStatus.FORBIDDEN,
  [RevenueErrorCode.SALE_NOT_SPLITTABLE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [RevenueErrorCode.SALE_MISMATCH]: HttpStatus.CONFLICT,
  [RevenueErrorCode.INVALID_PAYOUT_METHOD]: HttpStatus.BAD_REQUEST,
};

export class RevenueException extends DomainException<RevenueErrorCode> {
  constructor(code: RevenueErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
